package dev.amk.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.amk.audit.AuditEvent;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exfiltration tripwire end to end: a real broker, a real loopback upstream that records every byte it is sent,
 * and requests carrying a real secret in each place an agent could put it. A hit in the head reaches the upstream
 * not at all; a hit in the body ends the upload before the secret (or any part of it) has gone upstream.
 */
class TripwireEndToEndTest {
	/** With characters that URL-encoding changes, so that the encoded form differs from the secret itself. */
	private static final String SECRET = "sk-proj-UPSTREAM/SECRET+0123456789abcdef";

	@TempDir
	Path home;

	BrokerFixture broker;
	HttpServer upstream;
	final AtomicInteger started = new AtomicInteger();
	final AtomicInteger completed = new AtomicInteger();
	final ByteArrayOutputStream received = new ByteArrayOutputStream();
	final List<String> headersSeen = new CopyOnWriteArrayList<>();
	String key;

	@BeforeEach
	void start() throws IOException {
		upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		upstream.createContext("/", exchange -> {
			started.incrementAndGet();
			exchange.getRequestHeaders().forEach((name, values) -> headersSeen.add(name + ": " + values));
			try (InputStream in = exchange.getRequestBody()) {
				byte[] buffer = new byte[1024];
				int n;
				while ((n = in.read(buffer)) != -1) {
					synchronized (received) {
						received.write(buffer, 0, n);
					}
				}
				completed.incrementAndGet();
				byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, ok.length);
				exchange.getResponseBody().write(ok);
			} catch (IOException cut) {
				// the broker dropped the upload: what arrived until then is in `received`
			} finally {
				exchange.close();
			}
		});
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1", SECRET);
		key = broker.createAgent("coder", "openai");
		// What serve and the app do as they start: every secret into memory, where the tripwire looks.
		assertEquals(List.of(), broker.broker.readSecrets());
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.stop(0);
	}

	private String receivedText() {
		synchronized (received) {
			return received.toString(StandardCharsets.ISO_8859_1);
		}
	}

	private HttpResponse<String> post(String path, String body, String... headers) {
		HttpRequest.Builder r = HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key)
				.POST(HttpRequest.BodyPublishers.ofString(body));
		for (int i = 0; i < headers.length; i += 2) {
			r.header(headers[i], headers[i + 1]);
		}
		return broker.send(r.build());
	}

	private void assertRefused(HttpResponse<String> response) {
		assertEquals(403, response.statusCode(), response.body());
		assertEquals("secret_in_request", errorType(response));
		assertFalse(response.body().contains(SECRET), "the refusal never quotes the secret");
	}

	private void assertUpstreamSawNothing() {
		assertEquals(0, started.get(), "the upstream received no request");
	}

	private void assertSecretNeverUpstream() {
		// The broker's own Authorization header carries the secret by design; everything else the agent sent must not.
		String all = receivedText() + String.join("\n", headersSeen.stream().filter(h -> !h.startsWith("Authorization")).toList());
		assertFalse(all.contains(SECRET), "the secret reached the upstream");
		assertFalse(all.contains(SECRET.substring(0, 12)), "part of the secret reached the upstream");
		assertEquals(0, completed.get(), "no request was completed upstream");
	}

	@Test
	@DisplayName("an ordinary request passes untouched, body and all")
	void cleanRequestPasses() {
		HttpResponse<String> response = post("/openai/chat/completions", "{\"model\":\"gpt-5\",\"messages\":[]}", "X-Note", "amk_ is a prefix");
		assertEquals(200, response.statusCode(), response.body());
		assertEquals(1, completed.get());
		assertEquals("{\"model\":\"gpt-5\",\"messages\":[]}", receivedText());
	}

	@Test
	@DisplayName("in a header, as it is and base64-encoded: 403 and the upstream receives nothing; audited as a denial")
	void header() {
		assertRefused(post("/openai/chat/completions", "{}", "X-Debug", "token " + SECRET));
		assertRefused(post("/openai/chat/completions", "{}", "X-Note", Base64.getEncoder().encodeToString(("k=" + SECRET)
				.getBytes(StandardCharsets.UTF_8))));
		assertUpstreamSawNothing();
		AuditEvent row = broker.broker.auditStore().recent(null, 1).getFirst();
		assertEquals("denied", row.decision().toString());
		assertEquals("secret_in_request", row.reason());
		assertEquals("coder", row.agent());
	}

	@Test
	@DisplayName("in the query, as it is and URL-encoded, and in the path: 403 and the upstream receives nothing")
	void url() {
		assertRefused(post("/openai/search?q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8), "{}"));
		assertRefused(post("/openai/search?q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("%2F", "/"), "{}"));
		assertRefused(post("/openai/files/" + Base64.getUrlEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)), "{}"));
		assertUpstreamSawNothing();
	}

	@Test
	@DisplayName("in the body, as it is, URL-encoded or base64: 403, and no part of the secret went upstream")
	void body() {
		assertRefused(post("/openai/chat/completions", "{\"messages\":[{\"content\":\"" + SECRET + "\"}]}"));
		assertRefused(post("/openai/chat/completions", "note=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)));
		assertRefused(post("/openai/chat/completions", "{\"b64\":\"" + Base64.getEncoder().encodeToString(("xx" + SECRET)
				.getBytes(StandardCharsets.UTF_8)) + "\"}"));
		assertSecretNeverUpstream();
	}

	@Test
	@DisplayName("another agent's key anywhere in the request is refused; the caller's own key is not")
	void otherAgentsKey() {
		String other = broker.createAgent("reviewer", "openai");
		assertRefused(post("/openai/chat/completions", "{\"content\":\"use " + other + "\"}"));
		assertRefused(post("/openai/chat/completions", "{}", "X-Other", other));
		HttpResponse<String> own = post("/openai/chat/completions", "{\"content\":\"my key is " + key + "\"}");
		assertEquals(200, own.statusCode(), own.body());
		assertFalse(receivedText().contains(other));
	}

	@Test
	@DisplayName("a gzip body is searched inflated: refused, and nothing completes upstream")
	void gzipBody() throws IOException {
		ByteArrayOutputStream zipped = new ByteArrayOutputStream();
		try (GZIPOutputStream z = new GZIPOutputStream(zipped)) {
			z.write(("{\"pad\":\"" + "lorem ipsum ".repeat(5000) + "\",\"leak\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8));
		}
		HttpResponse<String> response = broker.send(HttpRequest.newBuilder(broker.url("/openai/chat/completions"))
				.header("Authorization", "Bearer " + key).header("Content-Encoding", "gzip")
				.POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build());
		assertRefused(response);
		assertEquals(0, completed.get());

		HttpResponse<String> brotli = broker.send(HttpRequest.newBuilder(broker.url("/openai/chat/completions"))
				.header("Authorization", "Bearer " + key).header("Content-Encoding", "br")
				.POST(HttpRequest.BodyPublishers.ofString("whatever")).build());
		assertEquals(400, brotli.statusCode(), "a body the tripwire cannot read is not let through unchecked");
		assertUpstreamSawNothing();
	}

	@Test
	@DisplayName("a chunked body with the secret split across two chunks: the upload is cut, and not even its first half went upstream")
	void splitAcrossChunks() throws Exception {
		String before = "{\"text\":\"";
		String first = before + SECRET.substring(0, 20);
		String second = SECRET.substring(20) + "\"}";
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /openai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port() + "\r\nAuthorization: Bearer " + key
					+ "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(first)).getBytes(StandardCharsets.UTF_8));
			out.flush();
			// The first chunk has been read, searched and passed on, except what could be the start of a secret.
			await(() -> receivedText().contains(before), "the upstream received the start of the body");
			assertFalse(receivedText().contains(SECRET.substring(0, 1) + SECRET.substring(1, 8)), "the secret's beginning is held back");
			out.write((chunk(second) + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
			assertEquals("HTTP/1.1 403", answer);
		}
		assertSecretNeverUpstream();
		assertEquals(1, started.get());
	}

	private static String chunk(String data) {
		byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
		return Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n";
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(5);
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("timed out waiting until " + what);
			}
			Thread.sleep(5);
		}
	}

	@Test
	@DisplayName("a connection added while the broker runs is looked for without a restart")
	void newConnectionIsWatched() throws Exception {
		String fresh = "xoxb-fresh-connection-secret-42";
		broker.addConnection("slack", "custom", "http://127.0.0.1:" + upstream.getAddress().getPort(), fresh, "--header", "Authorization",
				"--format", "Bearer {secret}");
		await(() -> post("/openai/chat/completions", "{}", "X-Leak", fresh).statusCode() == 403, "the new secret is refused");
	}
}
