package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.WebSocketListener;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
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
 * WebSockets on the wire: what the broker's two ends put on their sockets, read byte by byte. The agent is a raw socket
 * (or a real client: OkHttp through {@code HTTP_PROXY}, the JDK's WebSocket with subprotocols, as a browser offers them);
 * the upstream is a raw WebSocket server on loopback (MockWebServer's socket handler) that records every frame it gets,
 * mask bit included, and answers with frames of its own. The OpenAI connection maps {@code api.openai.com} to that upstream
 * ({@code --host-map}), so {@code ws://api.openai.com/…} through {@code HTTP_PROXY} and {@code /openai/…} both land there.
 */
class WebSocketWireTest {
	private static final String HOST = "api.openai.com";
	private static final String SECRET = "sk-wire-UPSTREAMSECRET0123456789";
	private static final String EOF = "eof";

	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	String key;
	String githubKey;
	/** What the upstream got after its 101: {@link Frame}s, then {@link #EOF} when the broker closed its side. */
	final BlockingQueue<Object> upstreamGot = new LinkedBlockingQueue<>();
	/** The upstream's behaviour after its 101: echo each text or binary frame (unmasked), or first send a masked frame. */
	volatile boolean upstreamSendsMasked;

	@BeforeEach
	void start() throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new RawWebSocketServer());
		upstream.start(InetAddress.getLoopbackAddress(), 0);
		broker = BrokerFixture.start(home);
		BrokerFixture.CliResult added = broker.cliWithStdin(SECRET + "\n", "connection", "add", "openai", "--provider", "openai",
				"--host-map", HOST + "=http://127.0.0.1:" + upstream.getPort());
		assertEquals(0, added.exit(), added.err());
		broker.addConnection("github", "github", upstream.url("/").toString(), "ghp_wire_test_secret_0123456789");
		key = broker.createAgent("realtime", "openai");
		githubKey = broker.createAgent("gh", "github");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.close();
	}

	// ---- the raw upstream ----

	/**
	 * Answers every handshake with a 101 (choosing the first subprotocol it was offered, whatever it is), then reads
	 * frames, recording each, and echoes text and binary ones unmasked.
	 */
	final class RawWebSocketServer extends Dispatcher {
		@Override
		public MockResponse dispatch(RecordedRequest request) {
			MockResponse.Builder answer = new MockResponse.Builder().code(101).addHeader("Upgrade", "websocket").addHeader("Connection", "Upgrade")
					.addHeader("Sec-WebSocket-Accept", WebSocketTest.accept(request.getHeaders().get("Sec-WebSocket-Key")));
			String offered = request.getHeaders().get("Sec-WebSocket-Protocol");
			if (offered != null) {
				answer.addHeader("Sec-WebSocket-Protocol", offered.split(",")[0].strip());
			}
			return answer.socketHandler(socket -> {
				try (BufferedSink out = Okio.buffer(socket.getSink()); BufferedSource in = Okio.buffer(socket.getSource())) {
					if (upstreamSendsMasked) {
						out.write(frame(0x1, "masked by mistake".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4})).flush();
					}
					while (true) {
						Frame f = readFrame(in);
						upstreamGot.add(f);
						if (f.opcode() == 0x8) {
							out.write(frame(0x8, f.payload(), null)).flush();
							break;
						}
						if (f.opcode() == 0x1 || f.opcode() == 0x2) {
							out.write(frame(f.opcode(), f.payload(), null)).flush();
						}
					}
				} catch (IOException e) {
					// the broker closed its side
				}
				upstreamGot.add(EOF);
			}).build();
		}
	}

	// ---- frames ----

	/** One frame as it was on the wire: the mask bit as sent, the payload unmasked. */
	record Frame(int opcode, boolean masked, byte[] payload) {
		String text() {
			return new String(payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
		}

		String closeReason() {
			return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
		}
	}

	static Frame readFrame(BufferedSource in) throws IOException {
		int b0 = in.readByte() & 0xff;
		int b1 = in.readByte() & 0xff;
		long length = b1 & 0x7f;
		if (length == 126) {
			length = in.readShort() & 0xffff;
		} else if (length == 127) {
			length = in.readLong();
		}
		boolean masked = (b1 & 0x80) != 0;
		byte[] mask = masked ? in.readByteArray(4) : null;
		byte[] payload = in.readByteArray(length);
		if (masked) {
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
		}
		return new Frame(b0 & 0x0f, masked, payload);
	}

	/** A final frame; masked with {@code mask} (a client's) or not ({@code null}, a server's). */
	static byte[] frame(int opcode, byte[] payload, byte[] mask) {
		Buffer b = new Buffer();
		b.writeByte(0x80 | opcode);
		int maskBit = mask == null ? 0 : 0x80;
		if (payload.length < 126) {
			b.writeByte(maskBit | payload.length);
		} else if (payload.length <= 0xffff) {
			b.writeByte(maskBit | 126);
			b.writeShort(payload.length);
		} else {
			b.writeByte(maskBit | 127);
			b.writeLong(payload.length);
		}
		if (mask == null) {
			b.write(payload);
		} else {
			b.write(mask);
			byte[] masked = payload.clone();
			for (int i = 0; i < masked.length; i++) {
				masked[i] ^= mask[i % 4];
			}
			b.write(masked);
		}
		return b.readByteArray();
	}

	static byte[] clientFrame(int opcode, String text) {
		byte[] mask = new byte[4];
		new Random().nextBytes(mask);
		return frame(opcode, text.getBytes(StandardCharsets.UTF_8), mask);
	}

	// ---- the raw agent ----

	/** A raw connection to the broker: the handshake written as given, the answer's head read, then frames. */
	final class RawAgent implements AutoCloseable {
		final Socket socket;
		final BufferedSource in;
		final BufferedSink out;
		String head;

		RawAgent() throws IOException {
			socket = new Socket(InetAddress.getLoopbackAddress(), broker.port());
			socket.setSoTimeout(10_000);
			in = Okio.buffer(Okio.source(socket));
			out = Okio.buffer(Okio.sink(socket));
		}

		/** Sends the handshake; returns the answer's status, its head kept in {@link #head}. */
		int handshake(String requestLine, String... headers) throws IOException {
			StringBuilder request = new StringBuilder(requestLine).append("\r\n");
			for (String h : headers) {
				request.append(h).append("\r\n");
			}
			out.writeUtf8(request.append("\r\n").toString()).flush();
			StringBuilder answer = new StringBuilder();
			String line;
			while (!(line = in.readUtf8LineStrict()).isEmpty()) {
				answer.append(line).append("\n");
			}
			head = answer.toString();
			return Integer.parseInt(head.split(" ")[1]);
		}

		void send(byte[] bytes) throws IOException {
			out.write(bytes).flush();
		}

		Frame read() throws IOException {
			return readFrame(in);
		}

		@Override
		public void close() throws IOException {
			socket.close();
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static final String WS_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	private static String[] upgradeHeaders(String host, String... more) {
		List<String> all = new java.util.ArrayList<>(List.of("Host: " + host, "Upgrade: websocket", "Connection: Upgrade",
				"Sec-WebSocket-Key: " + WS_KEY, "Sec-WebSocket-Version: 13"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private String absoluteFormLine() {
		return "GET http://" + HOST + "/v1/realtime?model=gpt-realtime HTTP/1.1";
	}

	private String hostHeader() {
		return HOST;
	}

	private static void assertNoAgentKey(RecordedRequest r) {
		assertFalse(r.getTarget().contains("amk_"), r.getTarget());
		for (var h : r.getHeaders()) {
			assertFalse(h.getSecond().contains("amk_"), "agent key in upstream header " + h.getFirst());
		}
	}

	private Frame upstreamFrame() throws InterruptedException {
		Object got = upstreamGot.poll(5, TimeUnit.SECONDS);
		assertNotNull(got, "the upstream got nothing");
		return assertInstanceOf(Frame.class, got, "the upstream got " + got);
	}

	/** The audit row of the socket (status 101), once written. */
	private String awaitSocketRow(String containing) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		Pattern row = Pattern.compile("\"status\"\\s*:\\s*101");
		String audit = "";
		while (System.nanoTime() < deadline) {
			audit = broker.cli("audit", "--json").out();
			if (row.matcher(audit).find() && audit.contains(containing)) {
				return audit;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no audit row with status 101 and " + containing + ": " + audit);
	}

	// ---- 1. ws:// through absolute-form (HTTP_PROXY) ----

	@Test
	@DisplayName("ws:// through HTTP_PROXY with OkHttp: absolute-form handshake with Basic, echo; the upstream sees the real key, never amk_")
	void absoluteFormWithRealClient() throws Exception {
		OkHttpClient client = new OkHttpClient.Builder()
				.proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", broker.port())))
				.build();
		BlockingQueue<String> messages = new LinkedBlockingQueue<>();
		BlockingQueue<Object> ends = new LinkedBlockingQueue<>();
		okhttp3.WebSocket ws = client.newWebSocket(new okhttp3.Request.Builder().url("ws://" + hostHeader() + "/v1/realtime?model=gpt-realtime")
				// Sent with the handshake, as curl and Python do with credentials in HTTP_PROXY: absolute-form without
				// them is a base-URL request, refused 421 as before proxy mode.
				.header("Proxy-Authorization", Credentials.basic("realtime", key)).build(), new WebSocketListener() {
					@Override
					public void onMessage(okhttp3.WebSocket socket, String text) {
						messages.add(text);
					}

					@Override
					public void onClosing(okhttp3.WebSocket socket, int code, String reason) {
						ends.add(code);
					}

					@Override
					public void onFailure(okhttp3.WebSocket socket, Throwable t, okhttp3.Response response) {
						ends.add(t);
					}
				});
		try {
			assertTrue(ws.send("{\"type\":\"session.update\"}"));
			assertEquals("{\"type\":\"session.update\"}", messages.poll(10, TimeUnit.SECONDS), String.valueOf(ends.peek()));
			Frame got = upstreamFrame();
			assertTrue(got.masked(), "the upstream got the client's frame masked");

			RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
			assertEquals("/v1/realtime?model=gpt-realtime", handshake.getTarget());
			assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
			assertEquals("websocket", handshake.getHeaders().get("Upgrade"));
			assertNoAgentKey(handshake);

			ws.close(1000, "done");
			assertEquals(1000, ends.poll(5, TimeUnit.SECONDS));
			String audit = awaitSocketRow("\"openai\"");
			assertTrue(audit.contains("/v1/realtime") && audit.contains("\"realtime\""), audit);
		} finally {
			ws.cancel();
			client.dispatcher().executorService().shutdown();
			client.connectionPool().evictAll();
		}
	}

	@Test
	@DisplayName("absolute-form ws:// handshake: a wrong proxy key is 407, an ungranted host 403, and nothing reaches the upstream")
	void absoluteFormRefusals() throws Exception {
		try (RawAgent agent = new RawAgent()) {
			assertEquals(407, agent.handshake(absoluteFormLine(), upgradeHeaders(hostHeader(), "Proxy-Authorization: " + basic("realtime",
					AgentKey.generate()))));
			assertTrue(agent.head.contains("Proxy-Authenticate: Basic"), agent.head);
		}
		try (RawAgent agent = new RawAgent()) {
			assertEquals(403, agent.handshake("GET http://api.other.test/v1/realtime HTTP/1.1", upgradeHeaders("api.other.test",
					"Proxy-Authorization: " + basic("realtime", key))));
		}
		assertEquals(0, upstream.getRequestCount());
	}

	// ---- 2. masking on the wire ----

	@Test
	@DisplayName("absolute-form ws:// on raw sockets: the upstream gets every agent frame masked, the agent every upstream frame unmasked")
	void maskBitsOnTheWire() throws Exception {
		try (RawAgent agent = new RawAgent()) {
			assertEquals(101, agent.handshake(absoluteFormLine(), upgradeHeaders(hostHeader(), "Proxy-Authorization: " + basic("realtime", key))));
			assertTrue(agent.head.contains("Sec-WebSocket-Accept: " + WebSocketTest.accept(WS_KEY)), agent.head);

			agent.send(clientFrame(0x1, "ping"));
			Frame up = upstreamFrame();
			assertTrue(up.masked(), "client to server: masked");
			assertEquals("ping", up.text());
			Frame down = agent.read();
			assertFalse(down.masked(), "server to client: unmasked");
			assertEquals("ping", down.text());

			// A larger binary frame, written in two parts split inside its header: relayed whole, still masked.
			byte[] large = new byte[70_000];
			new Random(3).nextBytes(large);
			byte[] mask = {9, 8, 7, 6};
			byte[] bytes = frame(0x2, large, mask);
			agent.send(java.util.Arrays.copyOfRange(bytes, 0, 1));
			agent.send(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
			up = upstreamFrame();
			assertTrue(up.masked());
			assertArrayEquals(large, up.payload());
			down = agent.read();
			assertFalse(down.masked());
			assertArrayEquals(large, down.payload());

			agent.send(clientFrame(0x8, "\u0003\u00e8")); // close 1000
			Frame upClose = upstreamFrame();
			assertTrue(upClose.masked());
			assertEquals(0x8, upClose.opcode());
			Frame downClose = agent.read();
			assertEquals(0x8, downClose.opcode());
			assertFalse(downClose.masked());
		}
		RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
		assertNoAgentKey(handshake);
	}

	@Test
	@DisplayName("an agent that sends an unmasked frame gets close 1002 (unmasked); the frame never reaches the upstream, whose socket is closed")
	void unmaskedClientFrameClosedWith1002() throws Exception {
		try (RawAgent agent = new RawAgent()) {
			assertEquals(101, agent.handshake(absoluteFormLine(), upgradeHeaders(hostHeader(), "Proxy-Authorization: " + basic("realtime", key))));
			agent.send(clientFrame(0x1, "fine"));
			assertEquals("fine", upstreamFrame().text());
			assertEquals("fine", agent.read().text());

			agent.send(frame(0x1, "not masked".getBytes(StandardCharsets.UTF_8), null));
			Frame close = agent.read();
			assertEquals(0x8, close.opcode());
			assertFalse(close.masked());
			assertEquals(1002, close.closeCode());
			assertTrue(close.closeReason().contains("unmasked"), close.closeReason());
			assertTrue(agent.in.exhausted(), "the broker closed the agent's connection after the close frame");
		}
		assertEquals(EOF, upstreamGot.poll(5, TimeUnit.SECONDS), "the upstream's socket was closed without the unmasked frame");
		String audit = awaitSocketRow("bad_request");
		assertTrue(audit.contains("\"denied\""), audit);
	}

	@Test
	@DisplayName("an upstream that sends a masked frame: the agent never gets it, and gets close 1002 instead (base-URL route)")
	void maskedServerFrameClosedWith1002() throws Exception {
		upstreamSendsMasked = true;
		try (RawAgent agent = new RawAgent()) {
			assertEquals(101, agent.handshake("GET /openai/v1/realtime HTTP/1.1", upgradeHeaders("127.0.0.1:" + broker.port(),
					"Authorization: Bearer " + key)));
			Frame first = agent.read();
			assertEquals(0x8, first.opcode(), "the first frame the agent gets is the broker's close, not the masked one");
			assertFalse(first.masked());
			assertEquals(1002, first.closeCode());
			assertTrue(first.closeReason().contains("masked"), first.closeReason());
		}
		assertEquals(EOF, upstreamGot.poll(5, TimeUnit.SECONDS));
		awaitSocketRow("upstream_unreachable");
	}

	@Test
	@DisplayName("the mask check finds a wrong mask bit wherever reads split the stream, and says how much may still be relayed")
	void maskCheckAtEverySplit() {
		byte[] good = frame(0x1, "hello".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4});
		byte[] bad = frame(0x1, "bad".getBytes(StandardCharsets.UTF_8), null);
		byte[] stream = new byte[good.length + bad.length];
		System.arraycopy(good, 0, stream, 0, good.length);
		System.arraycopy(bad, 0, stream, good.length, bad.length);
		for (int split = 1; split < stream.length; split++) {
			WebSocketFrames frames = new WebSocketFrames(WebSocketFrames.Direction.FROM_CLIENT);
			int passed = frames.feed(stream, 0, split);
			if (!frames.violated()) {
				passed += frames.feed(stream, split, stream.length - split);
			}
			assertTrue(frames.violated(), "split " + split);
			// Everything before the bad frame, and of the bad frame at most its first byte, when a read ended right after it.
			assertEquals(split == good.length + 1 ? good.length + 1 : good.length, passed, "split " + split);
			assertEquals(split != good.length + 1, frames.atBoundary(), "split " + split);
			assertEquals(0, frames.feed(stream, 0, stream.length), "nothing more after a violation");
		}
		WebSocketFrames server = new WebSocketFrames(WebSocketFrames.Direction.FROM_SERVER);
		assertEquals(bad.length, server.feed(bad, 0, bad.length));
		assertEquals(0, server.feed(good, 0, good.length));
		assertTrue(server.violated());
	}

	// ---- 3. the key as a subprotocol (browsers, OpenAI's Realtime API) ----

	private java.net.http.WebSocket browserLike(String agentKey, WebSocketTest.AgentListener listener) throws Exception {
		return HttpClient.newHttpClient().newWebSocketBuilder()
				.subprotocols("realtime", "openai-insecure-api-key." + agentKey, "openai-beta.realtime-v1")
				.connectTimeout(Duration.ofSeconds(5))
				.buildAsync(URI.create("ws://127.0.0.1:" + broker.port() + "/openai/v1/realtime?model=gpt-realtime"), listener)
				.get(10, TimeUnit.SECONDS);
	}

	@Test
	@DisplayName("openai-insecure-api-key.amk_… as a subprotocol authenticates; upstream gets Bearer with the real key and no key subprotocol")
	void keyAsSubprotocol() throws Exception {
		WebSocketTest.AgentListener listener = new WebSocketTest.AgentListener();
		java.net.http.WebSocket ws = browserLike(key, listener);
		assertEquals("realtime", ws.getSubprotocol(), "the upstream's choice among what it was offered");
		ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
		assertEquals("hello", listener.received.poll(5, TimeUnit.SECONDS));

		RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
		assertEquals("realtime, openai-beta.realtime-v1", handshake.getHeaders().get("Sec-WebSocket-Protocol"));
		assertNoAgentKey(handshake);
		for (var h : handshake.getHeaders()) {
			assertFalse(h.getSecond().contains("openai-insecure-api-key"), h.getFirst());
		}
		ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
		assertEquals(1000, listener.closed.get(5, TimeUnit.SECONDS));
		awaitSocketRow("\"realtime\"");
	}

	@Test
	@DisplayName("the 101 the agent gets offers no secret: the upstream echoes what it was offered, which never held a key")
	void subprotocolEchoHoldsNoSecret() throws Exception {
		try (RawAgent agent = new RawAgent()) {
			assertEquals(101, agent.handshake("GET /openai/v1/realtime HTTP/1.1", upgradeHeaders("127.0.0.1:" + broker.port(),
					"Sec-WebSocket-Protocol: openai-insecure-api-key." + key + ", realtime")));
			assertTrue(agent.head.contains("Sec-WebSocket-Protocol: realtime\n"), agent.head);
			assertFalse(agent.head.contains(SECRET), agent.head);
			assertFalse(agent.head.contains("openai-insecure-api-key"), agent.head);
			assertFalse(agent.head.contains("amk_"), agent.head);
		}
	}

	@Test
	@DisplayName("a wrong key as a subprotocol is refused like any unknown key (401 unknown_key), a malformed one invalid_key; nothing goes upstream")
	void wrongSubprotocolKeyRefused() throws Exception {
		WebSocketTest.AgentListener listener = new WebSocketTest.AgentListener();
		ExecutionException unknown = assertThrows(ExecutionException.class, () -> browserLike(AgentKey.generate(), listener));
		var response = assertInstanceOf(WebSocketHandshakeException.class, unknown.getCause()).getResponse();
		assertEquals(401, response.statusCode());
		assertTrue(String.valueOf(response.body()).contains("unknown_key"), String.valueOf(response.body()));

		ExecutionException malformed = assertThrows(ExecutionException.class, () -> browserLike("amk_typo", listener));
		var malformedResponse = assertInstanceOf(WebSocketHandshakeException.class, malformed.getCause()).getResponse();
		assertEquals(401, malformedResponse.statusCode());
		assertTrue(String.valueOf(malformedResponse.body()).contains("invalid_key"), String.valueOf(malformedResponse.body()));

		// The key of an agent without a grant on the connection is the agent's, so it is scope, not identity.
		ExecutionException ungranted = assertThrows(ExecutionException.class, () -> browserLike(githubKey, listener));
		assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, ungranted.getCause()).getResponse().statusCode());
		assertEquals(0, upstream.getRequestCount());
		String audit = broker.cli("audit", "--json").out();
		assertTrue(audit.contains("unknown_key") && audit.contains("invalid_key"), audit);
		assertFalse(audit.contains("amk_"), audit);
	}
}
