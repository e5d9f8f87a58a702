package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.ByteString;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSockets through a base-URL route, end to end: the JDK's WebSocket client against the real broker, and a real WebSocket
 * upstream on loopback (OkHttp's server side in MockWebServer; for frame-level checks, raw frames written by the test). The
 * OpenAI Realtime API is the model: {@code ws://127.0.0.1:PORT/openai/v1/realtime?model=…} with the agent key as Bearer.
 */
class WebSocketTest {
	private static final String SECRET = "sk-realtime-UPSTREAMSECRET0123456789";
	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	String key;
	/** The upstream's side of the socket that is open now (OkHttp's server WebSocket). */
	final BlockingQueue<WebSocket> serverSockets = new LinkedBlockingQueue<>();
	final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();

	@BeforeEach
	void start() throws Exception {
		upstream = new MockWebServer();
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), SECRET);
		key = broker.createAgent("realtime", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.close();
	}

	/** An upstream that echoes every message, records what happened, and lets the test push. */
	private MockResponse echoingUpstream() {
		return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
			@Override
			public void onOpen(WebSocket socket, okhttp3.Response response) {
				serverSockets.add(socket);
			}

			@Override
			public void onMessage(WebSocket socket, String text) {
				socket.send(text);
			}

			@Override
			public void onMessage(WebSocket socket, ByteString bytes) {
				socket.send(bytes);
			}

			@Override
			public void onClosing(WebSocket socket, int code, String reason) {
				serverEvents.add("closing " + code);
				socket.close(code, reason);
			}

			@Override
			public void onFailure(WebSocket socket, Throwable t, okhttp3.Response response) {
				serverEvents.add("failure");
			}
		}).build();
	}

	/** The agent's side: every message (parts joined) and the close, in order. */
	static final class AgentListener implements java.net.http.WebSocket.Listener {
		final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
		final BlockingQueue<String> parts = new LinkedBlockingQueue<>();
		final CompletableFuture<Integer> closed = new CompletableFuture<>();
		volatile long closedAtNanos;
		private final StringBuilder text = new StringBuilder();
		private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
			parts.add(data.toString());
			text.append(data);
			if (last) {
				received.add(text.toString());
				text.setLength(0);
			}
			ws.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			binary.writeBytes(bytes);
			if (last) {
				received.add(binary.toByteArray());
				binary.reset();
			}
			ws.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
			closedAtNanos = System.nanoTime();
			closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(java.net.http.WebSocket ws, Throwable error) {
			closedAtNanos = System.nanoTime();
			closed.completeExceptionally(error);
		}
	}

	private java.net.http.WebSocket connect(String agentKey, AgentListener listener) throws Exception {
		return HttpClient.newHttpClient().newWebSocketBuilder()
				.header("Authorization", "Bearer " + agentKey)
				.connectTimeout(Duration.ofSeconds(5))
				.buildAsync(URI.create("ws://127.0.0.1:" + broker.port() + "/openai/v1/realtime?model=gpt-realtime"), listener)
				.get(10, TimeUnit.SECONDS);
	}

	private static void assertNoAgentKey(RecordedRequest r) {
		assertFalse(r.getTarget().contains("amk_"), r.getTarget());
		for (var h : r.getHeaders()) {
			assertFalse(h.getSecond().contains("amk_"), "agent key in upstream header " + h.getFirst());
		}
	}

	/** The audit row of the socket, written when it ends; polled with a deadline. */
	private String awaitSocketRow() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		Pattern row = Pattern.compile("\"status\"\\s*:\\s*101");
		while (System.nanoTime() < deadline) {
			String audit = broker.cli("audit", "--json").out();
			if (row.matcher(audit).find()) {
				return audit;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no audit row with status 101: " + broker.cli("audit", "--json").out());
	}

	private static long number(String json, String field) {
		var m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
		assertTrue(m.find(), field + " in " + json);
		return Long.parseLong(m.group(1));
	}

	@Test
	@DisplayName("echo through /openai/v1/realtime: the upstream's handshake has the real key, never amk_; the row says 101 and the bytes")
	void echoWithKeySwap() throws Exception {
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);

		ws.sendText("{\"type\":\"session.update\"}", true).get(5, TimeUnit.SECONDS);
		assertEquals("{\"type\":\"session.update\"}", agent.received.poll(5, TimeUnit.SECONDS));

		RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1/realtime?model=gpt-realtime", handshake.getTarget());
		assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
		assertEquals("websocket", handshake.getHeaders().get("Upgrade"));
		assertNoAgentKey(handshake);

		ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
		assertEquals(1000, agent.closed.get(5, TimeUnit.SECONDS));
		assertEquals("closing 1000", serverEvents.poll(5, TimeUnit.SECONDS));
		String audit = awaitSocketRow();
		assertTrue(audit.contains("/v1/realtime") && audit.contains("\"allowed\""), audit);
		assertTrue(number(audit, "bytes_in") > 0 && number(audit, "bytes_out") > 0, audit);
		assertFalse(audit.contains("amk_") || audit.contains(SECRET), audit);
		awaitNothingInFlight();
	}

	@Test
	@DisplayName("server push reaches a client that sends nothing, as it is sent")
	void serverPushToSilentClient() throws Exception {
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);
		WebSocket server = serverSockets.poll(5, TimeUnit.SECONDS);
		assertNotNull(server);

		for (int i = 1; i <= 3; i++) {
			assertTrue(server.send("{\"type\":\"response.delta\",\"n\":" + i + "}"));
			// each arrives before the next is sent: nothing waits for more
			assertEquals("{\"type\":\"response.delta\",\"n\":" + i + "}", agent.received.poll(5, TimeUnit.SECONDS));
		}
		ws.abort();
	}

	@Test
	@DisplayName("a large binary message and a message the client sends in fragments arrive whole at the other end")
	void largeAndFragmented() throws Exception {
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);

		byte[] large = new byte[3 * 1024 * 1024 + 17];
		new java.util.Random(7).nextBytes(large);
		ws.sendBinary(ByteBuffer.wrap(large), true).get(10, TimeUnit.SECONDS);
		Object echoed = agent.received.poll(10, TimeUnit.SECONDS);
		assertInstanceOf(byte[].class, echoed);
		assertArrayEquals(large, (byte[]) echoed);

		ws.sendText("frag", false).get(5, TimeUnit.SECONDS);
		ws.sendText("mented ", false).get(5, TimeUnit.SECONDS);
		ws.sendText("message", true).get(5, TimeUnit.SECONDS);
		assertEquals("fragmented message", agent.received.poll(5, TimeUnit.SECONDS));
		ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
		assertEquals(1000, agent.closed.get(5, TimeUnit.SECONDS));
	}

	@Test
	@DisplayName("an upstream fragment reaches the agent before the upstream sends the next one: no message is buffered whole")
	void fragmentsRelayedAsTheyArrive() throws Exception {
		CountDownLatch firstSeen = new CountDownLatch(1);
		CountDownLatch serverDone = new CountDownLatch(1);
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				String accept = accept(request.getHeaders().get("Sec-WebSocket-Key"));
				return new MockResponse.Builder().code(101).addHeader("Upgrade", "websocket").addHeader("Connection", "Upgrade")
						.addHeader("Sec-WebSocket-Accept", accept).socketHandler(socket -> {
							try (BufferedSink out = Okio.buffer(socket.getSink()); BufferedSource in = Okio.buffer(socket.getSource())) {
								out.write(frame(0x01, false, "Hel")).flush(); // text, not final
								if (firstSeen.await(5, TimeUnit.SECONDS)) {
									out.write(frame(0x00, true, "lo")).flush(); // continuation, final
								}
								serverDone.await(5, TimeUnit.SECONDS);
							} catch (Exception e) {
								// the test has ended
							}
						}).build();
			}
		});
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);
		assertEquals("Hel", agent.parts.poll(5, TimeUnit.SECONDS), "the first fragment came alone, before the second was sent");
		firstSeen.countDown();
		assertEquals("Hello", agent.received.poll(5, TimeUnit.SECONDS));
		serverDone.countDown();
		ws.abort();
	}

	@Test
	@DisplayName("a read-only grant gets 403 scope_denied to the handshake; nothing reaches the upstream")
	void readGrantRefused() throws Exception {
		String reader = broker.createAgent("reader", "openai:read");
		AgentListener agent = new AgentListener();
		ExecutionException failed = assertThrows(ExecutionException.class, () -> connect(reader, agent));
		WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, failed.getCause());
		assertEquals(403, refused.getResponse().statusCode());
		assertTrue(String.valueOf(refused.getResponse().body()).contains("scope_denied"), String.valueOf(refused.getResponse().body()));
		assertEquals(0, upstream.getRequestCount());

		ExecutionException unknown = assertThrows(ExecutionException.class, () -> connect("amk_not_a_real_key", agent));
		assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, unknown.getCause()).getResponse().statusCode());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("an upstream that refuses the handshake: its answer reaches the agent as it is, with the credential masked")
	void upstreamRefusesHandshake() throws Exception {
		upstream.enqueue(new MockResponse.Builder().code(401).body("{\"error\":\"Incorrect API key provided: " + SECRET + "\"}").build());
		AgentListener agent = new AgentListener();
		ExecutionException failed = assertThrows(ExecutionException.class, () -> connect(key, agent));
		var response = assertInstanceOf(WebSocketHandshakeException.class, failed.getCause()).getResponse();
		assertEquals(401, response.statusCode());
		assertFalse(String.valueOf(response.body()).contains(SECRET), String.valueOf(response.body()));
		awaitNothingInFlight();
	}

	@Test
	@DisplayName("revoking the agent closes its socket with 1008 within 100 ms, and the upstream's side is closed too")
	void revokeClosesWith1008() throws Exception {
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);
		ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
		assertEquals("ping", agent.received.poll(5, TimeUnit.SECONDS));

		assertEquals(0, broker.cli("agent", "revoke", "realtime").exit());
		long revokedAt = System.nanoTime();
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("realtime") && a.agent().revokedAt() != null));
		long seenAt = System.nanoTime();

		assertEquals(WebSocketFrames.POLICY_VIOLATION, agent.closed.get(5, TimeUnit.SECONDS));
		long ms = (agent.closedAtNanos - revokedAt) / 1_000_000;
		long seenMs = (seenAt - revokedAt) / 1_000_000;
		assertTrue(ms <= 100, "closed " + ms + " ms after the revoke (the broker saw the revoke after " + seenMs + " ms)");
		String upstreamSaw = serverEvents.poll(5, TimeUnit.SECONDS);
		assertNotNull(upstreamSaw, "the upstream's side was closed");
		String audit = awaitSocketRow();
		assertTrue(audit.contains("revoked_key"), audit);
		awaitNothingInFlight();
	}

	@Test
	@DisplayName("narrowing the agent's grant to reading while its socket is open closes the socket with 1008 scope_denied")
	void grantNarrowedToReadCloses() throws Exception {
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);
		ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
		assertEquals("ping", agent.received.poll(5, TimeUnit.SECONDS));

		assertEquals(0, broker.cli("agent", "set-grants", "realtime", "--grant", "openai:read").exit());

		assertEquals(WebSocketFrames.POLICY_VIOLATION, agent.closed.get(5, TimeUnit.SECONDS));
		String audit = awaitSocketRow();
		assertTrue(audit.contains("scope_denied"), audit);
		awaitNothingInFlight();
	}

	@Test
	@DisplayName("a socket silent both ways for longer than the idle timeout is closed with 1001; traffic keeps it open")
	void idleSocketCloses(@TempDir Path otherHome) throws Exception {
		Teardown.closeAll(broker);
		broker = BrokerFixture.start(otherHome, java.time.Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofMillis(1500));
		broker.addConnection("openai", "openai", upstream.url("/").toString(), SECRET);
		key = broker.createAgent("realtime", "openai");
		upstream.enqueue(echoingUpstream());
		AgentListener agent = new AgentListener();
		java.net.http.WebSocket ws = connect(key, agent);
		for (int i = 0; i < 4; i++) { // 2 s of traffic every 500 ms: longer than the idle timeout, never silent for it
			ws.sendText("tick", true).get(5, TimeUnit.SECONDS);
			assertEquals("tick", agent.received.poll(5, TimeUnit.SECONDS));
			assertFalse(agent.closed.isDone(), "closed while in use");
			Thread.sleep(500);
		}
		assertEquals(WebSocketFrames.GOING_AWAY, agent.closed.get(10, TimeUnit.SECONDS));
		awaitNothingInFlight();
	}

	private void awaitNothingInFlight() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (broker.broker.proxy().inFlightCount() != 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertEquals(0, broker.broker.proxy().inFlightCount());
	}

	static String accept(String key) {
		try {
			byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(sha1);
		} catch (Exception e) {
			throw new AssertionError(e);
		}
	}

	/** A short unmasked frame, as a server sends it. */
	static ByteString frame(int opcode, boolean fin, String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		Buffer b = new Buffer();
		b.writeByte((fin ? 0x80 : 0) | opcode);
		b.writeByte(payload.length);
		b.write(payload);
		return b.readByteString();
	}

	@Test
	@DisplayName("frame boundaries: headers of every length form, masked or not, split anywhere")
	void frameBoundaries() {
		for (int payload : List.of(0, 5, 125, 126, 65535, 65536, 200_000)) {
			for (boolean masked : List.of(false, true)) {
				byte[] frame = rawFrame(payload, masked);
				for (int split : List.of(1, 2, 3, 7, frame.length / 2, frame.length - 1)) {
					if (split <= 0 || split >= frame.length) {
						continue;
					}
					WebSocketFrames frames = new WebSocketFrames();
					assertTrue(frames.atBoundary());
					frames.feed(frame, 0, split);
					assertFalse(frames.atBoundary(), payload + "/" + masked + "/" + split);
					frames.feed(frame, split, frame.length - split);
					assertTrue(frames.atBoundary(), payload + "/" + masked + "/" + split);
				}
			}
		}
		byte[] close = WebSocketFrames.serverClose(1008, "é".repeat(100));
		assertTrue(close.length <= 2 + 125, "a control frame's payload is at most 125 bytes");
		assertEquals(0x88, close[0] & 0xff);
		assertEquals(1008, ((close[2] & 0xff) << 8) | (close[3] & 0xff));
	}

	private static byte[] rawFrame(int payload, boolean masked) {
		Buffer b = new Buffer();
		b.writeByte(0x82);
		int maskBit = masked ? 0x80 : 0;
		if (payload < 126) {
			b.writeByte(maskBit | payload);
		} else if (payload <= 65535) {
			b.writeByte(maskBit | 126);
			b.writeShort(payload);
		} else {
			b.writeByte(maskBit | 127);
			b.writeLong(payload);
		}
		if (masked) {
			b.writeInt(0x11223344);
		}
		b.write(new byte[payload]);
		return b.readByteArray();
	}
}
