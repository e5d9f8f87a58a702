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
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS_PROXY mode end to end: a real broker, real clients (curl, and a plain socket where curl cannot be made
 * to misbehave), and a real TLS upstream on loopback that poses as {@code api.example.test}: the broker's upstream
 * client resolves that name to 127.0.0.1 and trusts the upstream's own test CA, which is the only change from
 * production. The custom connection's base URL is {@code https://api.example.test:PORT}, so it owns that host.
 */
class ForwardProxyTest {
	private static final String HOST = "api.example.test";
	private static final String SECRET = "sk-live-UPSTREAMSECRET0123456789";
	/** A header-read deadline short enough that the slow-head test is quick; well-behaved requests send their heads at once. */
	private static final ProxySettings.Limits SHORT_HEADER_DEADLINE = new ProxySettings.Limits(Duration.ofSeconds(1),
			ProxySettings.Limits.DEFAULTS.minUploadBytesPerSecond(), ProxySettings.Limits.DEFAULTS.uploadGrace(),
			ProxySettings.Limits.DEFAULTS.maxConcurrentUpstream(), ProxySettings.Limits.DEFAULTS.maxConcurrentPerAgent());

	@TempDir
	Path home;
	@TempDir
	Path upstreamCaHome;

	MockWebServer upstream;
	BrokerFixture broker;
	String key;

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
				.sslSocketFactory(clientTls.getSocketFactory(), trust)).withLimits(SHORT_HEADER_DEADLINE));
		broker.addConnection("example", "custom", "https://" + HOST + ":" + upstream.getPort(), SECRET, "--header", "Authorization",
				"--format", "Bearer {secret}");
		key = broker.createAgent("coder", "example");
		BrokerFixture.CliResult ca = broker.cli("ca", "path");
		assertEquals(0, ca.exit(), ca.err());
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

	private Path caPem() {
		return home.resolve("ca").resolve("amk-ca.pem");
	}

	// ---- curl with HTTPS_PROXY ----

	private TlsHandshakeRun curl(String proxyKey, String... args) throws Exception {
		requireTool("curl");
		List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", "--cacert", caPem().toString()));
		cmd.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
		Map<String, String> env = pb.environment();
		env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		env.put("HTTPS_PROXY", "http://coder:" + proxyKey + "@127.0.0.1:" + broker.port());
		Path err = Files.createTempFile(home, "curl", ".err");
		pb.redirectError(err.toFile());
		Process p = pb.start();
		String out;
		try (InputStream in = p.getInputStream()) {
			out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		return new TlsHandshakeRun(p.exitValue(), out, Files.readString(err));
	}

	record TlsHandshakeRun(int exit, String out, String err) {
	}

	private static void requireTool(String tool) {
		boolean found = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
				.anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
		org.junit.jupiter.api.Assumptions.assumeTrue(found, tool + " is not installed");
	}

	private static void assertNoAgentKey(RecordedRequest r) {
		assertFalse(r.getTarget().contains("amk_"), r.getTarget());
		for (var h : r.getHeaders()) {
			assertFalse(h.getSecond().contains("amk_"), "agent key in upstream header " + h.getFirst());
		}
	}

	@Test
	@DisplayName("curl through HTTPS_PROXY: the tunnel's TLS is the local CA's, the tool's placeholder key is swapped for the real one")
	void curlThroughInterceptedTunnel() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("{\"ok\":1}").build());
		upstream.enqueue(new MockResponse.Builder().body("{\"ok\":2}").build());

		// Two URLs in one curl run: the second request reuses the tunnel (keep-alive inside it).
		TlsHandshakeRun r = curl(key, "-H", "Authorization: Bearer placeholder-not-a-secret", "https://" + HOST + "/v1/things?x=1",
				"-H", "Authorization: Bearer placeholder-not-a-secret", "https://" + HOST + "/v1/other");

		assertEquals(0, r.exit(), r.err());
		assertEquals("{\"ok\":1}\n200{\"ok\":2}\n200", r.out());
		RecordedRequest first = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1/things?x=1", first.getTarget());
		assertEquals("Bearer " + SECRET, first.getHeaders().get("Authorization"));
		assertNoAgentKey(first);
		RecordedRequest second = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1/other", second.getTarget());
		assertNoAgentKey(second);
		String audit = broker.cli("audit", "--json").out();
		assertTrue(audit.contains("\"connection\" : \"example\"") || audit.contains("\"connection\":\"example\""), audit);
		assertTrue(audit.contains("/v1/things"), audit);
	}

	@Test
	@DisplayName("CONNECT to port 80 carries plain HTTP (curl --proxytunnel, ws:// clients): the same key swap, to the connection's own URL")
	void plainTunnelOnPort80() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("{\"plain\":1}").build());
		TlsHandshakeRun r = curl(key, "--proxytunnel", "--proxy", "http://coder:" + key + "@127.0.0.1:" + broker.port(),
				"-H", "Authorization: Bearer placeholder-not-a-secret", "http://" + HOST + "/v1/plain");
		assertEquals(0, r.exit(), r.err());
		assertEquals("{\"plain\":1}\n200", r.out());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1/plain", seen.getTarget());
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"));
		assertNoAgentKey(seen);
	}

	@Test
	@DisplayName("inside a port-80 tunnel a request for another host is refused and the tunnel closes; nothing goes upstream")
	void plainTunnelKeepsToItsHost() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("CONNECT " + HOST + ":80 HTTP/1.1\r\nHost: " + HOST + ":80\r\nProxy-Authorization: " + basic(key) + "\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			assertEquals(200, readResponse(socket.getInputStream(), false).status());
			out.write("GET /v1/x HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			RawResponse refused = readResponse(socket.getInputStream(), true);
			assertEquals(403, refused.status(), refused.head());
			assertTrue(refused.body().contains("host_not_allowed"), refused.body());
			assertEquals(-1, socket.getInputStream().read(), "the tunnel closes");
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("a host no granted connection owns: 403 host_not_allowed to the CONNECT, audited with the host, nothing upstream")
	void ungrantedHost() throws Exception {
		TlsHandshakeRun r = curl(key, "https://api.other.test/v1/things");
		assertFalse(r.exit() == 0, r.out());
		assertTrue(r.err().contains("403"), r.err());
		assertEquals(0, upstream.getRequestCount());
		String audit = broker.cli("audit", "--json").out();
		assertTrue(audit.contains("host_not_allowed") && audit.contains("api.other.test:443"), audit);

		RawResponse raw = rawConnect("api.other.test:443", key);
		assertEquals(403, raw.status());
		assertTrue(raw.head().contains("host_not_allowed") || raw.body().contains("host_not_allowed"), raw.body());
	}

	@Test
	@DisplayName("proxy credentials missing, malformed or unknown: 407 with the challenge and the 401 cases' error types")
	void proxyAuthentication() throws Exception {
		RawResponse none = rawConnect(HOST + ":443", null);
		assertEquals(407, none.status());
		assertTrue(none.head().toLowerCase().contains("proxy-authenticate: basic realm=\"agent master key\""), none.head());
		assertTrue(none.body().contains("\"proxy_auth_required\""), none.body());

		RawResponse malformed = rawConnect(HOST + ":443", "not-a-key");
		assertEquals(407, malformed.status());
		assertTrue(malformed.body().contains("\"invalid_key\""), malformed.body());

		String rotated = key;
		assertEquals(0, broker.cli("agent", "rotate", "coder").exit());
		broker.awaitRegistry(s -> s.agentByKeyHash(java.util.HexFormat.of().formatHex(dev.amk.agents.AgentKey.sha256(rotated))) == null);
		RawResponse unknown = rawConnect(HOST + ":443", rotated);
		assertEquals(407, unknown.status());
		assertTrue(unknown.body().contains("\"unknown_key\""), unknown.body());

		TlsHandshakeRun r = curl("amk_wrong", "https://" + HOST + "/v1/things");
		assertTrue(r.err().contains("407"), r.err());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("a local CA that cannot sign (keychain locked) is a clear 503 to the CONNECT, not a broken handshake")
	void caUnavailable() throws Exception {
		broker.secrets.locked = true;
		RawResponse r = rawConnect(HOST + ":443", key);
		assertEquals(503, r.status());
		assertTrue(r.body().contains("connection_unavailable") && r.body().contains("amk ca status"), r.body());
	}

	@Test
	@DisplayName("CONNECT to IP literals, loopback and link-local addresses is refused before any connection is made")
	void addressesRefused() throws Exception {
		for (String target : List.of("127.0.0.1:443", "169.254.169.254:80", "[::1]:443", "localhost:443", "10.0.0.1:443")) {
			RawResponse r = rawConnect(target, key);
			assertEquals(403, r.status(), target);
			assertTrue(r.body().contains("host_not_allowed"), target + ": " + r.body());
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("inside a tunnel for a granted host: an SNI for another host gets no certificate, a Host for another host is refused")
	void tunnelCannotBeRedirected() throws Exception {
		// api.second.test is granted too, so only the tunnel's own host binding refuses its certificate here.
		broker.addConnection("second", "custom", "https://api.second.test:" + upstream.getPort(), SECRET, "--header", "Authorization",
				"--format", "Bearer {secret}");
		assertEquals(0, broker.cli("agent", "set-grants", "coder", "--grant", "example", "--grant", "second").exit());
		broker.awaitRegistry(s -> SnapshotGrants.has(s, "coder", "second"));
		try (Tunnel wrongSni = Tunnel.open(broker.port(), HOST, key, "api.second.test", caPem())) {
			assertThrows(SSLHandshakeException.class, wrongSni.tls::startHandshake);
		}
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			RawResponse r = tunnel.send("GET /v1/things HTTP/1.1\r\nHost: api.second.test\r\n\r\n");
			assertEquals(403, r.status());
		}
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			RawResponse r = tunnel.send("GET /v1/things HTTP/1.1\r\nHost: api.other.test\r\n\r\n");
			assertEquals(403, r.status());
			assertTrue(r.body().contains("host_not_allowed"), r.body());
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("another agent's key inside a tunnel is refused: one request, one agent")
	void otherAgentsKeyInside() throws Exception {
		String other = broker.createAgent("other", "example");
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			RawResponse r = tunnel.send("GET /v1/things HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer " + other + "\r\n\r\n");
			assertEquals(400, r.status());
			assertTrue(r.body().contains("bad_request"), r.body());
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("keep-alive inside a tunnel, then revocation closes the open tunnel")
	void revocationEndsTunnel() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("one").build());
		upstream.enqueue(new MockResponse.Builder().body("two").build());
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			tunnel.tls.startHandshake();
			assertEquals("http/1.1", tunnel.tls.getApplicationProtocol(), "offered h2 and http/1.1, the broker picks http/1.1");
			assertEquals("one", tunnel.send("GET /a HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").body());
			assertEquals("two", tunnel.send("GET /b HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").body());
			assertEquals(1, broker.broker.proxy().tunnelCount());

			assertEquals(0, broker.cli("agent", "revoke", "coder").exit());
			broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("coder") && a.agent().revokedAt() != null));

			// The broker closed the tunnel: the next request gets no answer, only the end of the stream.
			IOException ended = assertThrows(IOException.class, () -> tunnel.send("GET /c HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"));
			assertFalse(ended instanceof java.net.SocketTimeoutException, "closed by the broker, not timed out");
		}
		assertEquals(2, upstream.getRequestCount());
	}

	@Test
	@DisplayName("HTTP/1.1 pipelining inside a tunnel: two requests in one write, two answers in order, each with the real key")
	void pipelining() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("first").build());
		upstream.enqueue(new MockResponse.Builder().body("second").build());
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			OutputStream out = tunnel.tls.getOutputStream();
			out.write(("GET /p1 HTTP/1.1\r\nHost: " + HOST + "\r\nx-api-key: " + key + "\r\n\r\n"
					+ "POST /p2 HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 2\r\n\r\nhi").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			assertEquals("first", readResponse(tunnel.tls.getInputStream(), true).body());
			assertEquals("second", readResponse(tunnel.tls.getInputStream(), true).body());
		}
		RecordedRequest p1 = upstream.takeRequest(5, TimeUnit.SECONDS);
		RecordedRequest p2 = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/p1", p1.getTarget());
		assertNull(p1.getHeaders().get("x-api-key"), "the tool's own copy of the proxy key is dropped");
		assertNoAgentKey(p1);
		assertEquals("/p2", p2.getTarget());
		assertEquals("hi", p2.getBody().utf8());
		assertEquals("Bearer " + SECRET, p2.getHeaders().get("Authorization"));
	}

	@Test
	@DisplayName("absolute-form http://: a granted host is forwarded with the real key; an ungranted one 403; without proxy credentials refused as before")
	void absoluteForm() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("plain").build());
		RawResponse ok = raw("GET http://" + HOST + "/v1/things HTTP/1.1\r\nHost: " + HOST + "\r\nProxy-Authorization: " + basic(key)
				+ "\r\nx-api-key: placeholder\r\n\r\n");
		assertEquals(200, ok.status());
		assertEquals("plain", ok.body());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"));
		assertNull(seen.getHeaders().get("x-api-key"));
		assertNoAgentKey(seen);

		RawResponse ungranted = raw("GET http://api.other.test/ HTTP/1.1\r\nHost: api.other.test\r\nProxy-Authorization: " + basic(key) + "\r\n\r\n");
		assertEquals(403, ungranted.status());
		assertTrue(ungranted.body().contains("host_not_allowed"), ungranted.body());

		RawResponse noCredentials = raw("GET http://" + HOST + "/v1/things HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
		assertEquals(421, noCredentials.status());
		assertEquals(1, upstream.getRequestCount());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = {"bare LF", "lower-case version"})
	@DisplayName("inside a tunnel, sloppy HTTP is refused with 400 and never forwarded, as on the main connector")
	void sloppyHttpInsideTunnel(String kind) throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("reached").build());
		String request = switch (kind) {
			case "bare LF" -> "GET /v1/things HTTP/1.1\nHost: " + HOST + "\nConnection: close\n\n";
			default -> "GET /v1/things http/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n";
		};
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			assertEquals(400, tunnel.send(request).status());
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("inside a tunnel, a client trickling header bytes is cut at the header-read deadline")
	void slowHeadInsideTunnel() throws Exception {
		try (Tunnel tunnel = Tunnel.open(broker.port(), HOST, key, HOST, caPem())) {
			TrickledHead.assertCut(tunnel.tls.getOutputStream(), tunnel.tls.getInputStream(), "GET /v1/things HTTP/1.1\r\nHost: " + HOST + "\r\n");
		}
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("base-URL routes keep working on the same port")
	void baseUrlRoutesUnchanged() throws Exception {
		upstream.enqueue(new MockResponse.Builder().body("routed").build());
		var response = broker.get("/example/v1/things", "Authorization", "Bearer " + key);
		assertEquals(200, response.statusCode());
		assertEquals("routed", response.body());
	}

	/** Grants as the running broker sees them. */
	static final class SnapshotGrants {
		static boolean has(dev.amk.access.AccessSnapshot s, String agent, String connection) {
			return s.agents().stream().anyMatch(a -> a.agent().name().equals(agent) && a.grants().containsKey(connection));
		}
	}

	// ---- raw clients ----

	@Test
	@DisplayName("proxy mode passes the exfiltration tripwire too: a real secret in a header is refused 403 before the upstream is contacted")
	void tripwireInProxyMode() throws Exception {
		assertEquals(List.of(), broker.broker.readSecrets()); // as serve and the app do on start
		RawResponse leak = raw("GET http://" + HOST + "/v1/things?x=1 HTTP/1.1\r\nHost: " + HOST + "\r\nProxy-Authorization: " + basic(key)
				+ "\r\nX-Leak: " + SECRET + "\r\n\r\n");
		assertEquals(403, leak.status());
		assertTrue(leak.body().contains("secret_in_request"), leak.body());
		assertEquals(0, upstream.getRequestCount());
	}

	record RawResponse(int status, String head, String body) {
	}

	private static String basic(String password) {
		return "Basic " + Base64.getEncoder().encodeToString(("coder:" + password).getBytes(StandardCharsets.UTF_8));
	}

	private RawResponse raw(String request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			return readResponse(socket.getInputStream(), true);
		}
	}

	private RawResponse rawConnect(String authority, String proxyKey) throws IOException {
		return raw("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n"
				+ (proxyKey == null ? "" : "Proxy-Authorization: " + basic(proxyKey) + "\r\n") + "\r\n");
	}

	/** Reads one response: the head, then a Content-Length body (or none, for a CONNECT's 200). */
	static RawResponse readResponse(InputStream in, boolean readBody) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("the connection closed before a response");
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		int status = Integer.parseInt(text.substring(9, 12));
		int length = 0;
		for (String line : text.split("\r\n")) {
			if (line.toLowerCase().startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).strip());
			}
		}
		String body = readBody && length > 0 ? new String(in.readNBytes(length), StandardCharsets.UTF_8) : "";
		return new RawResponse(status, text, body);
	}

	/** A CONNECT tunnel opened by hand, so that SNI and Host can be what no well-behaved client sends. */
	static final class Tunnel implements AutoCloseable {
		final Socket plain;
		final SSLSocket tls;

		private Tunnel(Socket plain, SSLSocket tls) {
			this.plain = plain;
			this.tls = tls;
		}

		static Tunnel open(int port, String host, String proxyKey, String sni, Path caPem) throws Exception {
			Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
			plain.setSoTimeout(10_000);
			plain.getOutputStream().write(("CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\nProxy-Authorization: "
					+ basic(proxyKey) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			RawResponse connected = readResponse(plain.getInputStream(), false);
			assertEquals(200, connected.status(), connected.head());
			X509Certificate ca;
			try (InputStream in = Files.newInputStream(caPem)) {
				ca = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new javax.net.ssl.TrustManager[] {trusting(ca)}, new SecureRandom());
			SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, sni, 443, true);
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(sni)));
			parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			tls.setSSLParameters(parameters);
			return new Tunnel(plain, tls);
		}

		RawResponse send(String request) throws IOException {
			OutputStream out = tls.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			RawResponse response = readResponse(tls.getInputStream(), true);
			assertNotNull(response);
			return response;
		}

		@Override
		public void close() throws IOException {
			tls.close();
			plain.close();
		}
	}
}
