package dev.amk.proxy;

import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket inside an intercepted tunnel ({@code HTTPS_PROXY} mode): OkHttp's WebSocket client goes through the broker as
 * its HTTP proxy to {@code wss://api.example.test/v1/realtime}, trusting only the broker's local CA; the broker's upstream
 * client resolves that host to a loopback TLS upstream with its own test CA, as in {@link ForwardProxyTest}.
 */
class WebSocketTunnelTest {
	private static final String HOST = "api.example.test";
	private static final String SECRET = "sk-tunnel-UPSTREAMSECRET0123456789";

	@TempDir
	Path home;
	@TempDir
	Path upstreamCaHome;

	MockWebServer upstream;
	BrokerFixture broker;
	String key;
	final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();

	@BeforeEach
	void start() throws Exception {
		LocalCa upstreamCa = new LocalCa(upstreamCaHome, new InMemorySecretStore(), Clock.systemUTC());
		X509Certificate upstreamRoot = upstreamCa.ensure().authority().certificate();
		SSLContext upstreamTls = new SniKeyManager(new LeafCertificates(upstreamCa, Clock.systemUTC(), Runnable::run), h -> true).serverContext();
		upstream = new MockWebServer();
		upstream.useHttps(upstreamTls.getSocketFactory());
		upstream.start(InetAddress.getLoopbackAddress(), 0);
		X509TrustManager trust = trusting(upstreamRoot);
		SSLContext clientTls = SSLContext.getInstance("TLS");
		clientTls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
		broker = BrokerFixture.start(home, settings -> settings.withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".test") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.sslSocketFactory(clientTls.getSocketFactory(), trust)));
		broker.addConnection("example", "custom", "https://" + HOST + ":" + upstream.getPort(), SECRET, "--header", "Authorization",
				"--format", "Bearer {secret}");
		key = broker.createAgent("realtime", "example");
		assertEquals(0, broker.cli("ca", "path").exit());
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		if (upstream != null) {
			upstream.close();
		}
	}

	private static X509TrustManager trusting(X509Certificate root) throws Exception {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		store.setCertificateEntry("root", root);
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return (X509TrustManager) factory.getTrustManagers()[0];
	}

	/** A client like a tool with HTTPS_PROXY set: the broker as proxy (Basic, the key as password), its CA as the only trust. */
	private OkHttpClient agentClient() throws Exception {
		X509Certificate brokerCa;
		try (InputStream in = Files.newInputStream(home.resolve("ca").resolve("amk-ca.pem"))) {
			brokerCa = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		X509TrustManager trust = trusting(brokerCa);
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
		return new OkHttpClient.Builder()
				.proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", broker.port())))
				.proxyAuthenticator((route, response) -> response.request().newBuilder()
						.header("Proxy-Authorization", Credentials.basic("realtime", key)).build())
				.sslSocketFactory(tls.getSocketFactory(), trust)
				.build();
	}

	private MockResponse echoingUpstream() {
		return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
			@Override
			public void onMessage(WebSocket socket, String text) {
				socket.send(text);
			}

			@Override
			public void onClosing(WebSocket socket, int code, String reason) {
				serverEvents.add("closing " + code);
			}

			@Override
			public void onFailure(WebSocket socket, Throwable t, okhttp3.Response response) {
				serverEvents.add("failure");
			}
		}).build();
	}

	/** The agent's side, as OkHttp reports it. */
	static final class Agent extends WebSocketListener {
		final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
		final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
		final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
		volatile long closedAtNanos;

		@Override
		public void onMessage(WebSocket socket, String text) {
			messages.add(text);
		}

		@Override
		public void onClosing(WebSocket socket, int code, String reason) {
			closedAtNanos = System.nanoTime();
			closes.add(code);
		}

		@Override
		public void onFailure(WebSocket socket, Throwable t, okhttp3.Response response) {
			failures.add(t);
		}
	}

	@Test
	@DisplayName("wss:// through an intercepted tunnel: echo, the upstream sees the real key and never amk_; revoke -> 1008 within 100 ms")
	void realtimeThroughTunnel() throws Exception {
		upstream.enqueue(echoingUpstream());
		OkHttpClient client = agentClient();
		Agent agent = new Agent();
		WebSocket ws = client.newWebSocket(new okhttp3.Request.Builder().url("wss://" + HOST + "/v1/realtime?model=gpt-realtime")
				.header("Authorization", "Bearer placeholder-not-a-secret").build(), agent);
		try {
			assertTrue(ws.send("{\"type\":\"response.create\"}"));
			assertEquals("{\"type\":\"response.create\"}", agent.messages.poll(10, TimeUnit.SECONDS), String.valueOf(agent.failures.peek()));

			RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
			assertEquals("/v1/realtime?model=gpt-realtime", handshake.getTarget());
			assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
			for (var h : handshake.getHeaders()) {
				assertFalse(h.getSecond().contains("amk_"), h.getFirst());
			}

			assertEquals(0, broker.cli("agent", "revoke", "realtime").exit());
			long revokedAt = System.nanoTime();
			Integer code = agent.closes.poll(5, TimeUnit.SECONDS);
			assertEquals(WebSocketFrames.POLICY_VIOLATION, code, String.valueOf(agent.failures.peek()));
			long ms = (agent.closedAtNanos - revokedAt) / 1_000_000;
			assertTrue(ms <= 100, "closed " + ms + " ms after the revoke");
			assertNotNull(serverEvents.poll(5, TimeUnit.SECONDS), "the upstream's side was closed");
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (broker.broker.proxy().tunnelCount() != 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertEquals(0, broker.broker.proxy().tunnelCount(), "the tunnel went with the socket");
		} finally {
			ws.cancel();
			client.dispatcher().executorService().shutdown();
			client.connectionPool().evictAll();
		}
	}

	/**
	 * {@code ws://} as clients that always tunnel send it (Python's websocket-client, Node's ws with a proxy agent): a
	 * {@code CONNECT HOST:80}, then the handshake and frames in plain HTTP inside the tunnel. Raw socket, so that the
	 * bytes are exactly those.
	 */
	@Test
	@DisplayName("ws:// through CONNECT to port 80: the handshake gets the real key, frames echo, revoke -> 1008")
	void plainWebSocketThroughPort80() throws Exception {
		upstream.enqueue(echoingUpstream());
		try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			socket.setSoTimeout(10_000);
			java.io.OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(("CONNECT " + HOST + ":80 HTTP/1.1\r\nHost: " + HOST + ":80\r\nProxy-Authorization: " + Credentials.basic("realtime", key)
					+ "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			assertEquals(200, ForwardProxyTest.readResponse(in, false).status());
			out.write(("GET /v1/realtime?model=gpt-realtime HTTP/1.1\r\nHost: " + HOST + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
					+ "Authorization: Bearer placeholder-not-a-secret\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			ForwardProxyTest.RawResponse upgraded = ForwardProxyTest.readResponse(in, false);
			assertEquals(101, upgraded.status(), upgraded.head());

			byte[] text = "{\"type\":\"ping\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
			byte[] mask = {7, 1, 9, 3};
			java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
			frame.write(0x81);
			frame.write(0x80 | text.length);
			frame.write(mask);
			for (int i = 0; i < text.length; i++) {
				frame.write(text[i] ^ mask[i % 4]);
			}
			out.write(frame.toByteArray());
			assertEquals(0x81, in.read(), "a text frame back");
			int length = in.read();
			assertEquals("{\"type\":\"ping\"}", new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8));

			RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
			assertEquals("Bearer " + SECRET, handshake.getHeaders().get("Authorization"));
			for (var h : handshake.getHeaders()) {
				assertFalse(h.getSecond().contains("amk_"), h.getFirst());
			}

			assertEquals(0, broker.cli("agent", "revoke", "realtime").exit());
			assertEquals(0x88, in.read(), "a close frame");
			int closeLength = in.read();
			byte[] close = in.readNBytes(closeLength);
			assertEquals(WebSocketFrames.POLICY_VIOLATION, ((close[0] & 0xff) << 8) | (close[1] & 0xff));
		}
	}
}
