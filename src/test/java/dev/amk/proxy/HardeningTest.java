package dev.amk.proxy;

import dev.amk.audit.AuditEvent;
import dev.amk.audit.AuditStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.RawHttp;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defects an adversarial run found (issue 10), each as an attack on the real broker over sockets: an
 * upstream that echoes the secret in forms the agent can steer, agent keys where they must not go, requests
 * the parser refuses, scope checks an upstream could undo, sloppy HTTP, and clients that hold resources.
 */
class HardeningTest {
	private static final String SECRET = "sk-proj-HARDENINGSECRET0000000000000";
	private static final ProxySettings.Limits SMALL = new ProxySettings.Limits(Duration.ofMillis(500), 2000, Duration.ofMillis(500), 3, 2);

	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	BrokerFixture broker;
	String key;
	String host;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home, ProxySettings.defaults(0).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10),
				Duration.ofSeconds(10)).withLimits(SMALL));
		broker.addConnection("openai", "openai", upstream.url("/v1").toString(), SECRET);
		key = broker.createAgent("coder", "openai");
		host = "127.0.0.1:" + broker.port();
	}

	@AfterEach
	void stop() {
		broker.close();
	}

	private HttpRequest.Builder get(String path) {
		return HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key);
	}

	private static String gunzipIfNeeded(HttpResponse<byte[]> r) throws IOException {
		if (r.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
			try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
		return new String(r.body(), StandardCharsets.UTF_8);
	}

	private static Buffer gzip(String text) throws IOException {
		Buffer compressed = new Buffer();
		try (okio.BufferedSink sink = okio.Okio.buffer(new okio.GzipSink(compressed))) {
			sink.writeUtf8(text);
		}
		return compressed;
	}

	private HttpResponse<byte[]> sendBytes(HttpRequest request) throws Exception {
		return broker.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
	}

	/** The audit rows so far, once the writer has committed every row recorded (each before its answer's last byte). */
	private List<AuditEvent> auditRows() {
		broker.broker.auditLog().awaitCommitted();
		return broker.broker.auditStore().recent(null, 1000);
	}

	// --- 1. Masking the agent cannot switch off

	@Test
	@DisplayName("1. an echo is masked although the agent asked for gzip: the broker asks the upstream for identity")
	void echoMaskedDespiteGzip() throws Exception {
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				String echo = "{\"error\":\"bad key " + SECRET + "\"}";
				String accepted = request.getHeaders().get("Accept-Encoding");
				if (accepted != null && accepted.contains("gzip")) {
					try {
						return new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body(gzip(echo)).build();
					} catch (IOException e) {
						throw new AssertionError(e);
					}
				}
				return new MockResponse.Builder().body(echo).build();
			}
		});
		HttpResponse<byte[]> r = sendBytes(get("/openai/models").header("Accept-Encoding", "gzip, deflate").build());
		String body = gunzipIfNeeded(r);
		assertFalse(body.contains(SECRET), body);
		assertTrue(body.contains("bad key ****"), body);
	}

	@Test
	@DisplayName("1. an upstream that compresses anyway is decompressed and masked")
	void echoMaskedWhenUpstreamCompressesAnyway() throws Exception {
		upstream.enqueue(new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body(gzip("echo " + SECRET + " end")).build());
		HttpResponse<byte[]> r = sendBytes(get("/openai/models").header("Accept-Encoding", "gzip").build());
		String body = gunzipIfNeeded(r);
		assertFalse(body.contains(SECRET), body);
		assertTrue(body.startsWith("echo ****"), body);
	}

	@Test
	@DisplayName("1. a secret split across reads is masked, and the stream is not held back")
	void splitEcho() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("data: " + SECRET + "\n\n").throttleBody(5, 30, TimeUnit.MILLISECONDS).build());
		HttpResponse<String> r = broker.send(get("/openai/models").build());
		assertFalse(r.body().contains(SECRET), r.body());
		assertEquals("data: " + "*".repeat(SECRET.length()) + "\n\n", r.body());
	}

	@Test
	@DisplayName("1. the URL-encoded secret in a Location header and a body is masked")
	void urlEncodedEcho() throws Exception {
		String secret = "qk+/SECRET=VALUE&more";
		broker.addConnection("search", "custom", upstream.url("/").toString(), secret, "--query-param", "api_key");
		key = broker.createAgent("for-search", "search");
		String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
		String percent = encoded.replace("+", "%20");
		upstream.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "https://x.example/?api_key=" + encoded)
				.body("see /?api_key=" + percent + " and " + encoded).build());
		HttpResponse<String> r = broker.send(get("/search/find").build());
		String location = r.headers().firstValue("Location").orElseThrow();
		assertFalse(location.contains(encoded), location);
		assertFalse(r.body().contains(encoded) || r.body().contains(percent), r.body());
	}

	@Test
	@DisplayName("1. the base64 of a Basic user:secret is masked")
	void basicEcho() throws Exception {
		String secret = "basic-secret-value-123";
		broker.addConnection("jira", "custom", upstream.url("/").toString(), secret, "--basic-user", "me@example.com");
		key = broker.createAgent("for-jira", "jira");
		String b64 = Base64.getEncoder().encodeToString(("me@example.com:" + secret).getBytes(StandardCharsets.UTF_8));
		upstream.enqueue(new MockResponse.Builder().body("{\"you_sent\":\"Basic " + b64 + "\"}").build());
		HttpResponse<String> r = broker.send(get("/jira/rest/myself").build());
		assertFalse(r.body().contains(b64), r.body());
	}

	@Test
	@DisplayName("1. a short secret (6 characters) is masked too")
	void shortSecretEcho() throws Exception {
		broker.addConnection("tiny", "custom", upstream.url("/").toString(), "Zq7x9P", "--header", "X-Token");
		key = broker.createAgent("for-tiny", "tiny");
		upstream.enqueue(new MockResponse.Builder().body("token Zq7x9P rejected").build());
		HttpResponse<String> r = broker.send(get("/tiny/x").build());
		assertEquals("token ****** rejected", r.body());
	}

	// --- 3. Agent keys where they must not be

	@Test
	@DisplayName("3. a full agent key sent as the connection segment is not stored in the audit log")
	void keyAsConnectionSegmentNotAudited() throws Exception {
		HttpResponse<String> r = broker.send(get("/" + key + "/x").build());
		assertEquals(404, r.statusCode());
		for (AuditEvent row : auditRows()) {
			assertFalse(String.valueOf(row.toJson()).contains(key.substring(4)), row.toString());
		}
		BrokerFixture.CliResult printed = broker.cli("audit", "--json");
		assertFalse(printed.out().contains(key.substring(4)), printed.out());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"/openai/models?api_key=KEY", "/openai/models?q=x&token=KEY", "/openai/KEY/models", "/openai/models?x=prefixKEY"})
	@DisplayName("3. an agent key in a path segment or another query value is refused, never forwarded")
	void keyInPathOrQueryRefused(String path) throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		HttpResponse<String> r = broker.send(get(path.replace("KEY", key)).build());
		assertEquals(400, r.statusCode(), r.body());
		assertEquals("bad_request", errorType(r));
		assertEquals(0, upstream.getRequestCount());
	}

	// --- 4. Every request answered has its audit row

	@Test
	@DisplayName("4. requests Jetty's parser refuses are audited, without agent and with a safe path")
	void parserRefusalsAudited() throws Exception {
		String auth = "Authorization: Bearer " + key + "\r\n";
		String h = "Host: " + host + "\r\n";
		List<String> attacks = List.of(
				"GET /openai/models HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n",
				"GET /openai/models HTTP/1.1\r\n" + h + h + auth + "\r\n",
				"POST /openai/x HTTP/1.1\r\n" + h + auth + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
				"POST /openai/x HTTP/1.1\r\n" + h + auth + "Content-Length: abc\r\n\r\n",
				"GET /openai/models HTTP/1.1\r\n" + h + "X-A: a\r\n folded\r\n" + auth + "\r\n",
				"GET /openai/models HTTP/1.1\r\n" + h + "X-A: a\0b\r\n" + auth + "\r\n",
				"GET /openai/models HTTP/1.1\r\n" + h + "X-Big: " + "a".repeat(40_000) + "\r\n" + auth + "\r\n",
				"GET /openai/" + "a".repeat(40_000) + " HTTP/1.1\r\n" + h + auth + "\r\n",
				"GET /openai/models HTTP/2.0\r\n" + h + auth + "\r\n",
				"GET /openai/models\r\n\r\n",
				"GET /openai/models HTTP/1.1\r\n" + h + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
				"GET /openai/" + key + "/x HTTP/2.0\r\n" + h + auth + "\r\n");
		int answered = 0;
		for (String attack : attacks) {
			String response = RawHttp.exchange(broker.port(), attack);
			if (!response.isEmpty()) {
				answered++;
			}
		}
		assertTrue(answered >= attacks.size() - 2, "the broker answered " + answered); // HTTP/0.9 may get no status line
		List<AuditEvent> rows = auditRows();
		assertEquals(answered, rows.size(), rows.toString());
		for (AuditEvent row : rows) {
			assertEquals(null, row.agent());
			assertFalse(row.toString().contains(key.substring(4)), row.toString());
			assertTrue(row.path() == null || row.path().length() < 3000, "path is bounded");
		}
	}

	// --- 5. Narrow grants do not rely on the upstream behaving

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"X-HTTP-Method-Override: DELETE", "X-Method-Override: POST", "X-Original-URL: /admin", "X-Rewrite-URL: /admin",
			"X-Forwarded-Host: evil.example", "Forwarded: host=evil.example"})
	@DisplayName("5. on a read-only grant, headers that make an upstream change the method or path are refused")
	void overrideHeadersRefusedOnNarrowGrant(String header) throws Exception {
		String reader = broker.createAgent("reader", "openai:read");
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		String[] nv = header.split(": ", 2);
		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/openai/models")).header("Authorization", "Bearer " + reader)
				.header(nv[0], nv[1]).build());
		assertEquals(403, r.statusCode(), r.body());
		assertEquals("scope_denied", errorType(r));
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("5. ?_method= is refused on a read-only grant, allowed on a full one")
	void methodQueryRefusedOnNarrowGrant() throws Exception {
		String reader = broker.createAgent("reader", "openai:read");
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		HttpResponse<String> narrow = broker.get("/openai/models?_method=DELETE", "Authorization", "Bearer " + reader);
		assertEquals(403, narrow.statusCode());
		HttpResponse<String> full = broker.get("/openai/models?_method=DELETE", "Authorization", "Bearer " + key);
		assertEquals(200, full.statusCode());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"/openai/public/%252e%252e/secret", "/openai/public/%EF%BC%8E%EF%BC%8E/secret", "/openai/public/.../secret",
			"/openai/public/..%20/secret", "/openai/public/..%09/secret", "/openai/public/..%3B/secret", "/openai/public/x./secret",
			"/openai/public/x%20/secret"})
	@DisplayName("5. on a path-scoped grant, path forms an upstream may normalise are refused")
	void pathFormsRefusedOnNarrowGrant(String path) throws Exception {
		String scoped = broker.createAgent("scoped", "openai:GET:/public/**");
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		int status = RawHttp.status(broker.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + scoped
				+ "\r\nConnection: close\r\n\r\n");
		assertTrue(status == 403 || status == 400, "status " + status);
		assertEquals(0, upstream.getRequestCount());
	}

	// --- 6. Strict HTTP/1.1

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"bare LF", "lower-case version", "Transfer_Encoding"})
	@DisplayName("6. sloppy HTTP is refused with 400 and never forwarded")
	void sloppyHttpRefused(String kind) throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		String auth = "Authorization: Bearer " + key;
		String request = switch (kind) {
			case "bare LF" -> "GET /openai/models HTTP/1.1\nHost: " + host + "\n" + auth + "\nConnection: close\n\n";
			case "lower-case version" -> "GET /openai/models http/1.1\r\nHost: " + host + "\r\n" + auth + "\r\nConnection: close\r\n\r\n";
			default -> "POST /openai/models HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "\r\nContent-Length: 5\r\nTransfer_Encoding: chunked"
					+ "\r\nConnection: close\r\n\r\nhello";
		};
		String response = RawHttp.exchange(broker.port(), request);
		assertTrue(response.startsWith("HTTP/1.1 400"), response);
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("6. a malformed chunked body is the agent's fault: 400, not 502")
	void malformedChunkedIs400() throws Exception {
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().body("reached").build();
			}
		});
		String response = RawHttp.exchange(broker.port(), "POST /openai/chat HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key
				+ "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\nZZ\r\nxx\r\n0\r\n\r\n");
		assertTrue(response.startsWith("HTTP/1.1 400"), response);
	}

	@Test
	@DisplayName("6. a non-ASCII header value gets 400 with a clear message, not 500")
	void nonAsciiHeaderIs400() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		byte[] request = ("GET /openai/models HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key + "\r\nX-Name: caf\u00e9 \u2603"
				+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
		String response = RawHttp.exchange(broker.port(), new String(request, StandardCharsets.ISO_8859_1));
		assertTrue(response.startsWith("HTTP/1.1 400"), response);
		assertTrue(response.contains("X-Name") || response.contains("non-ASCII"), response);
	}

	@ParameterizedTest(name = "Connection: {0}")
	@ValueSource(strings = {"close, x\"y", "keep-alive, a =b"})
	@DisplayName("6. a Connection header that is not a list of names gets 400 bad_request, not 500 (a fuzzing finding)")
	void unparsableConnectionIs400(String value) throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		String response = RawHttp.exchange(broker.port(), "GET /openai/models HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key
				+ "\r\nConnection: " + value + "\r\n\r\n");
		assertTrue(response.startsWith("HTTP/1.1 400"), response);
		assertTrue(response.contains("Connection header"), response);
		assertEquals(0, upstream.getRequestCount(), "nothing was forwarded");
	}

	@ParameterizedTest(name = "Host: {0}")
	@ValueSource(strings = {"127.0.0.1:PORT:80", "user@127.0.0.1:PORT", "127.0.0.1:PORT/x", "127.0.0.1:99999999"})
	@DisplayName("6. a wrong Host form is 421 bad_host, wherever it is refused")
	void wrongHostFormIs421(String h) throws Exception {
		String response = RawHttp.exchange(broker.port(), "GET /openai/models HTTP/1.1\r\nHost: " + h.replace("PORT", String.valueOf(broker.port()))
				+ "\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
		assertTrue(response.startsWith("HTTP/1.1 421"), response);
		assertTrue(response.contains("bad_host"), response);
	}

	// --- 7. Resource limits

	@Test
	@DisplayName("7. a client trickling header bytes is cut at the header-read deadline")
	void slowlorisCut() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(5000);
			TrickledHead.assertCut(socket.getOutputStream(), socket.getInputStream(), "GET /openai/models HTTP/1.1\r\nHost: " + host + "\r\n");
		}
	}

	@Test
	@DisplayName("7. an upload slower than the minimum rate is cut and answered 408")
	void slowUploadCut() throws Exception {
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().body("reached").build();
			}
		});
		// The agent may see its connection cut before the row is written: wait for the row itself.
		CompletableFuture<AuditEvent> row = new CompletableFuture<>();
		broker.broker.auditLog().addListener(rows -> rows.forEach(row::complete));
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /openai/upload HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key + "\r\nContent-Length: 100000"
					+ "\r\n\r\nfirst bytes").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 200; i++) {
						out.write('x');
						out.flush();
						Thread.sleep(25); // the attacker's pace, not a synchronisation
					}
				} catch (IOException | InterruptedException ignored) {
					// cut
				}
			});
			String answer;
			try {
				answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			} catch (SocketTimeoutException e) {
				throw new AssertionError("the trickled upload was still running after 5 s");
			} catch (java.net.SocketException reset) {
				answer = "";
			}
			trickle.cancel(true);
			assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
		}
		AuditEvent cut = row.get(5, TimeUnit.SECONDS);
		assertEquals("request_timeout", cut.reason(), cut.toString());
	}

	@Test
	@DisplayName("7. concurrent upstream calls are capped per agent: the next gets 429 rate_limited with Retry-After")
	void perAgentCap() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				arrived.release();
				release.await(10, TimeUnit.SECONDS);
				return new MockResponse.Builder().body("done").build();
			}
		});
		String other = broker.createAgent("other", "openai");
		String third3 = broker.createAgent("third", "openai");
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			held.add(broker.http.sendAsync(get("/openai/slow").build(), HttpResponse.BodyHandlers.ofString()));
		}
		assertTrue(arrived.tryAcquire(2, 5, TimeUnit.SECONDS));
		HttpResponse<String> third = broker.send(get("/openai/slow").build());
		assertEquals(429, third.statusCode(), third.body());
		assertEquals("rate_limited", errorType(third));
		assertTrue(third.headers().firstValue("Retry-After").isPresent());
		// Another agent still gets through: the cap is per agent, below the global one.
		CompletableFuture<HttpResponse<String>> otherCall = broker.http.sendAsync(HttpRequest.newBuilder(broker.url("/openai/slow"))
				.header("Authorization", "Bearer " + other).build(), HttpResponse.BodyHandlers.ofString());
		assertTrue(arrived.tryAcquire(1, 5, TimeUnit.SECONDS));
		// The global cap (3) is now full: yet another agent is refused.
		HttpResponse<String> global = broker.get("/openai/slow", "Authorization", "Bearer " + third3);
		assertEquals(429, global.statusCode());
		release.countDown();
		for (var f : held) {
			assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode());
		}
		assertEquals(200, otherCall.get(10, TimeUnit.SECONDS).statusCode());
		assertEquals(200, broker.send(get("/openai/slow").build()).statusCode(), "slots are given back");
	}
}
