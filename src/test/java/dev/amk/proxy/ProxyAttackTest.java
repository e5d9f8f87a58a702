package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.RawHttp;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests built to make the broker send the real credential somewhere else, confuse its framing or its
 * Host check. Two upstreams run: the connection's own, and an "attacker" one that must never see a
 * request. After every attack the broker must still serve a normal request.
 */
class ProxyAttackTest {
	private static final String SECRET = "sk-proj-ATTACKTESTSECRET000000000000";

	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@StartStop
	final MockWebServer attacker = new MockWebServer();

	@TempDir
	Path home;

	BrokerFixture broker;
	String key;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/v1").toString(), SECRET);
		key = broker.createAgent("coder", "openai");
	}

	@AfterEach
	void stop() {
		if (broker == null) {
			return; // the set-up failed before the broker started: its failure is the one to read
		}
		try {
			assertEquals(0, attacker.getRequestCount(), "a request reached the attacker's host");
			assertStillServes();
		} finally {
			broker.close();
		}
	}

	private void assertStillServes() {
		int before = upstream.getRequestCount();
		upstream.enqueue(new MockResponse.Builder().body("fine").build());
		HttpResponse<String> r = broker.get("/openai/models", "Authorization", "Bearer " + key);
		assertEquals(200, r.statusCode(), "the broker stopped serving after the attack: " + r.body());
		assertEquals(before + 1, upstream.getRequestCount());
	}

	private String request(String requestLine, String host) {
		return requestLine + "\r\nHost: " + host + "\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n";
	}

	private String attackerAuthority() {
		return "127.0.0.1:" + attacker.getPort();
	}

	@ParameterizedTest(name = "Host: {0}")
	@ValueSource(strings = {"evil.example", "evil.example:PORT", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example:PORT", "127.0.0.2:PORT"})
	@DisplayName("a wrong Host gets 421 bad_host (DNS-rebinding defence)")
	void wrongHost(String host) throws Exception {
		String h = host.replace("PORT", String.valueOf(broker.port()));
		String response = RawHttp.exchange(broker.port(), request("GET /openai/models HTTP/1.1", h));
		assertTrue(response.startsWith("HTTP/1.1 421"), response);
		assertTrue(response.contains("\"bad_host\""), response);
		assertEquals(0, upstream.getRequestCount());
	}

	@ParameterizedTest(name = "Host: {0}")
	@ValueSource(strings = {"127.0.0.1:PORT", "localhost:PORT", "LOCALHOST:PORT", "[::1]:PORT"})
	@DisplayName("the loopback names with the broker's port are accepted")
	void loopbackHosts(String host) throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("ok").build());
		String response = RawHttp.exchange(broker.port(), request("GET /openai/models HTTP/1.1", host.replace("PORT", String.valueOf(broker.port()))));
		assertTrue(response.startsWith("HTTP/1.1 200"), response);
	}

	@Test
	@DisplayName("no Host at all (HTTP/1.0) gets 400 bad_request; HTTP/1.1 without Host too")
	void missingHost() throws Exception {
		String http10 = RawHttp.exchange(broker.port(), "GET /openai/models HTTP/1.0\r\nAuthorization: Bearer " + key + "\r\n\r\n");
		String http11 = RawHttp.exchange(broker.port(), "GET /openai/models HTTP/1.1\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
		assertTrue(http10.startsWith("HTTP/1.0 400") || http10.startsWith("HTTP/1.1 400"), http10);
		assertTrue(http10.contains("\"bad_request\""), http10);
		assertTrue(http11.startsWith("HTTP/1.1 400"), http11);
		assertTrue(http11.contains("\"bad_request\""), http11);
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("absolute-form request lines naming another host never reach it")
	void absoluteForm() throws Exception {
		String host = "127.0.0.1:" + broker.port();
		String toAttacker = RawHttp.exchange(broker.port(), request("GET http://" + attackerAuthority() + "/openai/models HTTP/1.1", host));
		String toSelf = RawHttp.exchange(broker.port(), request("GET http://evil.example/openai/models HTTP/1.1", host));
		assertTrue(toAttacker.startsWith("HTTP/1.1 421") || toAttacker.startsWith("HTTP/1.1 400"), toAttacker);
		assertTrue(toSelf.startsWith("HTTP/1.1 421") || toSelf.startsWith("HTTP/1.1 400"), toSelf);
		assertEquals(0, upstream.getRequestCount());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {
			"/openai/../ATTACKER/x",
			"/openai/%2e%2e/%2e%2e/x",
			"/openai/%2E%2E/x",
			"/openai/.%2e/x",
			"/openai/./models",
			"/openai/a%2fb",
			"/openai/a%5cb",
			"/openai/a%00b",
			"/openai//ATTACKER/x",
			"//ATTACKER/openai/models",
			"/openai@ATTACKER/models",
			"/openai/models@ATTACKER",
			"/openai:x@ATTACKER/models",
			"/openai/%zz",
	})
	@DisplayName("path tricks never send the request, or the key, to another host")
	void pathTricks(String path) throws Exception {
		String target = path.replace("ATTACKER", attackerAuthority());
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		int status = RawHttp.status(broker.port(), request("GET " + target + " HTTP/1.1", "127.0.0.1:" + broker.port()));
		assertNotEquals(-1, status, "the broker answered");
		if (status == 200) {
			// Allowed only where the path stays inside the connection: it reached the connection's own host.
			RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
			assertTrue(seen.getTarget().startsWith("/v1/"), seen.getTarget());
			assertFalse(seen.getTarget().contains(".."), seen.getTarget());
		} else {
			assertTrue(status == 400 || status == 404, "status " + status + " for " + target);
		}
	}

	@Test
	@DisplayName("an upstream 302 to another host is returned, not followed, and carries no credential there")
	void redirectNotFollowed() throws Exception {
		upstream.enqueue(new MockResponse.Builder().code(302).addHeader("Location", attacker.url("/steal").toString()).build());
		HttpResponse<String> r = broker.get("/openai/files/1/content", "Authorization", "Bearer " + key);
		assertEquals(302, r.statusCode());
		assertEquals(attacker.url("/steal").toString(), r.headers().firstValue("Location").orElseThrow());
		assertEquals(1, upstream.getRequestCount());
		upstream.takeRequest(5, TimeUnit.SECONDS);
	}

	@Test
	@DisplayName("request smuggling shapes are refused with 400 JSON (Transfer-Encoding with Content-Length, duplicate lengths)")
	void smuggling() throws Exception {
		String host = "Host: 127.0.0.1:" + broker.port() + "\r\n";
		String teAndCl = "POST /openai/chat HTTP/1.1\r\n" + host + "Authorization: Bearer " + key + "\r\nContent-Length: 4\r\n"
				+ "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /openai/smuggled HTTP/1.1\r\n" + host + "\r\n";
		String twoLengths = "POST /openai/chat HTTP/1.1\r\n" + host + "Authorization: Bearer " + key + "\r\nContent-Length: 4\r\n"
				+ "Content-Length: 40\r\n\r\nabcd";
		String badTe = "POST /openai/chat HTTP/1.1\r\n" + host + "Authorization: Bearer " + key + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n";
		String plusLength = "POST /openai/chat HTTP/1.1\r\n" + host + "Authorization: Bearer " + key + "\r\nContent-Length: +4\r\n\r\nabcd";
		String twoHosts = "GET /openai/models HTTP/1.1\r\n" + host + "Host: " + attackerAuthority() + "\r\nAuthorization: Bearer " + key + "\r\n\r\n";
		for (String attack : new String[] {teAndCl, twoLengths, badTe, plusLength, twoHosts}) {
			String response = RawHttp.exchange(broker.port(), attack);
			assertTrue(response.startsWith("HTTP/1.1 400"), "expected 400 for:\n" + attack + "\ngot:\n" + response);
			assertTrue(response.contains("\"bad_request\""), response);
		}
		assertEquals(0, upstream.getRequestCount(), "nothing was forwarded, smuggled requests included");
	}

	@Test
	@DisplayName("CR/LF injected into a forwarded header cannot split the upstream request")
	void headerInjection() throws Exception {
		String response = RawHttp.exchange(broker.port(), "GET /openai/models HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port()
				+ "\r\nAuthorization: Bearer " + key + "\r\nX-Note: a\rInjected: yes\r\nConnection: close\r\n\r\n");
		assertTrue(response.startsWith("HTTP/1.1 400"), response);
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("on one keep-alive connection, a key differing only in letter case from the one before is not taken for it")
	void caseVariantOfKeyOnSameConnection() throws Exception {
		int i = 4;
		while (!Character.isLetter(key.charAt(i))) {
			i++;
		}
		char c = key.charAt(i);
		String variant = key.substring(0, i) + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)) + key.substring(i + 1);
		upstream.enqueue(new MockResponse.Builder().body("first").build());
		String host = "Host: 127.0.0.1:" + broker.port() + "\r\n";
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(5000);
			var out = socket.getOutputStream();
			var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
			out.write(("GET /openai/models HTTP/1.1\r\n" + host + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			out.flush();
			assertEquals("HTTP/1.1 200 OK", in.readLine());
			int length = 0;
			for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
				if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
					length = Integer.parseInt(line.substring(15).strip());
				}
			}
			in.skip(length);
			// Same connection, the same key but for one letter's case.
			out.write(("GET /openai/models HTTP/1.1\r\n" + host + "Authorization: Bearer " + variant + "\r\nConnection: close\r\n\r\n")
					.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			out.flush();
			upstream.enqueue(new MockResponse.Builder().body("second").build());
			String status = in.readLine();
			assertTrue(status.startsWith("HTTP/1.1 401"), "the case variant was accepted (" + upstream.getRequestCount() + " upstream requests): " + status);
		}
		assertEquals(1, upstream.getRequestCount());
		upstream.takeRequest(5, TimeUnit.SECONDS);
	}

	@Test
	@DisplayName("errors never echo the presented key")
	void errorsDoNotEchoKeys() {
		String almost = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
		HttpResponse<String> r = broker.get("/openai/models", "Authorization", "Bearer " + almost);
		assertEquals("invalid_key", errorType(r));
		assertFalse(r.body().contains(almost.substring(4, 20)), r.body());
	}
}
