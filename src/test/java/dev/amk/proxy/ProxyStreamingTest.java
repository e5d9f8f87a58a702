package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.StreamingUpstream;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming both ways, cutting streams, and upstreams that are too slow. */
class ProxyStreamingTest {
	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	StreamingUpstream sse;
	BrokerFixture broker;

	@BeforeEach
	void start() throws Exception {
		sse = new StreamingUpstream();
		broker = BrokerFixture.start(home, Clock.systemUTC(), Duration.ofMillis(800), Duration.ofMillis(800));
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, sse);
	}

	@Test
	@DisplayName("SSE deltas reach the agent as the upstream sends them, spread out in time, not in one burst")
	void sseIsNotBuffered() throws Exception {
		broker.addConnection("openai", "openai", sse.baseUrl(), "sk-stream-secret");
		String key = broker.createAgent("streamer", "openai");
		int events = 6;
		sse.script(events, Duration.ofMillis(150));

		HttpResponse<InputStream> response = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		List<Long> arrivals = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith("data:")) {
					arrivals.add(System.nanoTime());
				}
			}
		}

		assertEquals(200, response.statusCode());
		assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
		assertEquals(events, arrivals.size());
		assertEquals("Bearer sk-stream-secret", sse.authorizationSeen.getFirst());
		// Each event must arrive before the upstream has even produced the next one (they are 150 ms apart):
		// a buffering proxy would deliver them together at the end.
		for (int i = 0; i < events - 1; i++) {
			assertTrue(arrivals.get(i) < sse.sentNanos.get(i + 1),
					"event " + i + " arrived only after the upstream had sent event " + (i + 1) + ": buffered");
		}
		long spreadMs = (arrivals.getLast() - arrivals.getFirst()) / 1_000_000;
		assertTrue(spreadMs >= 500, "deltas arrived within " + spreadMs + " ms of each other: a burst");
	}

	@Test
	@DisplayName("revoking the agent mid-stream ends its stream; the upstream sees the hang-up")
	void revokeCutsStream() throws Exception {
		broker.addConnection("openai", "openai", sse.baseUrl(), "sk-stream-secret");
		String key = broker.createAgent("streamer", "openai");
		String other = broker.createAgent("bystander", "openai");
		sse.script(-1, Duration.ofMillis(50)); // endless

		HttpResponse<InputStream> response = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		InputStream body = response.body();
		assertTrue(body.read() != -1, "the stream started");
		assertTrue(sse.firstEventSent.await(5, TimeUnit.SECONDS));

		assertEquals(0, broker.cli("agent", "revoke", "streamer").exit());

		CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(body));
		long ended = drained.get(5, TimeUnit.SECONDS);
		assertTrue(ended >= 0, "the stream ended");
		assertTrue(sse.clientGone.await(5, TimeUnit.SECONDS), "the upstream call was cancelled too");
		assertEquals(0, broker.broker.proxy().inFlightCount());
		// The bystander's key is untouched by the revoke.
		sse.script(1, Duration.ZERO);
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + other).statusCode());
		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + key)));
	}

	/** Reads until the stream ends, cleanly or not; returns the bytes read. */
	private static long drain(InputStream in) {
		long n = 0;
		byte[] buf = new byte[1024];
		try {
			int r;
			while ((r = in.read(buf)) != -1) {
				n += r;
			}
		} catch (IOException e) {
			// an aborted chunked stream: exactly how a cut shows to the agent
		}
		return n;
	}

	@Test
	@DisplayName("an upstream that sends no headers in time gets 504 upstream_timeout")
	void firstByteTimeout() {
		broker.addConnection("slow", "custom", upstream.url("/").toString(), "s", "--header", "X-Key");
		String key = broker.createAgent("waiter", "slow");
		upstream.enqueue(new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("late").build());

		HttpResponse<String> r = broker.get("/slow/think", "Authorization", "Bearer " + key);

		assertEquals(504, r.statusCode());
		assertEquals("upstream_timeout", errorType(r));
	}

	@Test
	@DisplayName("a stream that goes silent longer than the idle limit is cut")
	void idleTimeout() throws Exception {
		broker.addConnection("stall", "custom", sse.baseUrl(), "s", "--header", "X-Key");
		String key = broker.createAgent("waiter", "stall");
		sse.script(2, Duration.ofSeconds(3)); // one event, then silence far past the 800 ms idle limit

		HttpResponse<InputStream> r = broker.http.send(HttpRequest.newBuilder(broker.url("/stall/stream"))
				.header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofInputStream());

		assertEquals(200, r.statusCode());
		CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(r.body()));
		drained.get(10, TimeUnit.SECONDS); // ends: the broker cut the silent stream
		assertEquals(0, broker.broker.proxy().inFlightCount());
		broker.broker.auditLog().close(); // flush
		var row = broker.broker.auditStore().recent("waiter", 1).getFirst();
		assertEquals("upstream_timeout", row.reason());
		assertEquals(200, row.status());
	}

	@Test
	@DisplayName("request bodies stream through byte for byte, with and without Content-Length")
	void requestBodies() throws Exception {
		broker.addConnection("files", "custom", upstream.url("/").toString(), "s", "--header", "X-Key");
		String key = broker.createAgent("uploader", "files");
		byte[] payload = new byte[3 * 1024 * 1024 + 17];
		new Random(42).nextBytes(payload);
		upstream.enqueue(new MockResponse.Builder().code(201).build());
		upstream.enqueue(new MockResponse.Builder().code(201).build());

		HttpResponse<String> sized = broker.send(HttpRequest.newBuilder(broker.url("/files/upload")).header("Authorization", "Bearer " + key)
				.POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build());
		HttpResponse<String> chunked = broker.send(HttpRequest.newBuilder(broker.url("/files/upload")).header("Authorization", "Bearer " + key)
				.PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(payload))).build());

		assertEquals(201, sized.statusCode());
		assertEquals(201, chunked.statusCode());
		RecordedRequest first = upstream.takeRequest(5, TimeUnit.SECONDS);
		RecordedRequest second = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertArrayEquals(payload, first.getBody().toByteArray());
		assertEquals(String.valueOf(payload.length), first.getHeaders().get("Content-Length"));
		assertArrayEquals(payload, second.getBody().toByteArray());
		assertEquals("PUT", second.getMethod());
	}

	@Test
	@DisplayName("a GET with a body is refused clearly instead of being forwarded half-way")
	void getWithBody() throws Exception {
		broker.addConnection("files", "custom", upstream.url("/").toString(), "s", "--header", "X-Key");
		String key = broker.createAgent("odd", "files");

		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/files/search")).header("Authorization", "Bearer " + key)
				.method("GET", HttpRequest.BodyPublishers.ofString("{\"q\":1}")).build());

		assertEquals(400, r.statusCode());
		assertEquals("bad_request", errorType(r));
		assertEquals(0, upstream.getRequestCount());
	}
}
