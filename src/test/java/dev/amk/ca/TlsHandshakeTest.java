package dev.amk.ca;

import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real TLS handshakes on loopback between a server whose certificates come from {@link SniKeyManager} and
 * the clients agents use: curl (OpenSSL), Python's ssl (OpenSSL), Node, git (libcurl with GnuTLS on
 * Debian) and Java, each trusting only the CA's PEM or the bundle.
 */
class TlsHandshakeTest {
	static final Set<String> ALLOWED = Set.of("api.openai.com", "api.github.com");

	@TempDir
	Path home;

	LocalCa ca;
	LeafCertificates leaves;
	SniKeyManager keyManager;
	LoopbackTlsServer server;

	@BeforeEach
	void start() throws IOException {
		ca = new LocalCa(home, new InMemorySecretStore(), Clock.systemUTC(), SystemRoots.forCurrentOs(), new SecureRandom());
		ca.ensure();
		leaves = new LeafCertificates(ca, Clock.systemUTC(), Runnable::run);
		keyManager = new SniKeyManager(leaves, ALLOWED::contains);
		server = new LoopbackTlsServer(keyManager.serverContext());
	}

	@AfterEach
	void stop() throws IOException {
		server.close();
	}

	record Run(int exit, String out, String err) {
	}

	/**
	 * Skips a client's test when the client is not installed, except under scripts/test.sh (which installs curl,
	 * python3, node and git on Debian/Ubuntu): there a missing client fails the run instead of hiding.
	 */
	static void requireTool(String tool) {
		boolean found = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
				.anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
		if (!found && "1".equals(System.getenv("AMK_REQUIRE_KEYRING"))) {
			throw new AssertionError(tool + " is not installed: scripts/test.sh installs it on Debian/Ubuntu");
		}
		org.junit.jupiter.api.Assumptions.assumeTrue(found, tool + " is not installed");
	}

	static Run run(List<String> command) throws IOException, InterruptedException {
		Path err = Files.createTempFile("amk-tls-test", ".err");
		try {
			Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
					.redirectError(err.toFile()).start();
			byte[] out;
			try (InputStream o = p.getInputStream()) {
				out = o.readAllBytes();
			}
			assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + command);
			return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
		} finally {
			Files.deleteIfExists(err);
		}
	}

	List<String> curl(String host, Path caFile) {
		List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--resolve", host + ":" + server.port() + ":127.0.0.1"));
		if (caFile != null) {
			cmd.addAll(List.of("--cacert", caFile.toString()));
		}
		cmd.add("https://" + host + ":" + server.port() + "/v1/models");
		return cmd;
	}

	@Test
	@DisplayName("curl trusting amk-ca.pem, or the bundle, reaches an allowed host")
	void curlAllowed() throws Exception {
		requireTool("curl");
		Run withPem = run(curl("api.openai.com", ca.certificatePath()));
		assertEquals(0, withPem.exit(), withPem.err());
		assertEquals("hello api.openai.com", withPem.out());
		Run withBundle = run(curl("api.github.com", ca.bundlePath()));
		assertEquals(0, withBundle.exit(), withBundle.err());
		assertEquals("hello api.github.com", withBundle.out());
		assertEquals(List.of("GET /v1/models HTTP/1.1", "GET /v1/models HTTP/1.1"), server.requestLines);
	}

	@Test
	@DisplayName("curl trusting only the system's roots refuses the leaf: the check is real")
	void curlWithoutCa() throws Exception {
		requireTool("curl");
		Run r = run(curl("api.openai.com", null));
		assertEquals(60, r.exit(), "curl: peer certificate cannot be authenticated; " + r.err());
		assertTrue(server.requestLines.isEmpty());
	}

	@Test
	@DisplayName("a host that is not allowed, or an IP address without SNI, gets no certificate: the handshake fails")
	void notAllowed() throws Exception {
		requireTool("curl");
		Run other = run(curl("evil.example", ca.certificatePath()));
		assertEquals(35, other.exit(), "curl: TLS connect error; " + other.err());
		Run ip = run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.certificatePath().toString(), "https://127.0.0.1:" + server.port() + "/"));
		assertEquals(35, ip.exit(), ip.err());
		assertTrue(server.requestLines.isEmpty(), "no request was read");
		assertEquals(2, server.failedHandshakes.size(), server.failedHandshakes.toString());
		assertEquals(0, leaves.size(), "nothing was signed for them");
	}

	@Test
	@DisplayName("Python's ssl with the bundle verifies the leaf for an allowed host and refuses another")
	void python() throws Exception {
		requireTool("python3");
		String script = """
				import ssl, socket, sys
				ctx = ssl.create_default_context(cafile=sys.argv[1])
				for host in ("api.openai.com", "evil.example"):
				    try:
				        with socket.create_connection(("127.0.0.1", int(sys.argv[2]))) as raw:
				            with ctx.wrap_socket(raw, server_hostname=host) as s:
				                s.sendall(b"GET / HTTP/1.1\\r\\nHost: " + host.encode() + b"\\r\\n\\r\\n")
				                print(host, s.version(), s.recv(4096).decode().split("\\r\\n\\r\\n")[1])
				    except ssl.SSLError as e:
				        print(host, "refused", e.reason)
				""";
		Run r = run(List.of("python3", "-c", script, ca.bundlePath().toString(), String.valueOf(server.port())));
		assertEquals(0, r.exit(), r.err());
		List<String> lines = r.out().lines().toList();
		assertEquals("api.openai.com TLSv1.3 hello api.openai.com", lines.get(0));
		assertTrue(lines.get(1).startsWith("evil.example refused"), lines.get(1));
	}

	@Test
	@DisplayName("Node with the CA's PEM (as NODE_EXTRA_CA_CERTS gives it) verifies the leaf, over TLS 1.2 too")
	void node() throws Exception {
		requireTool("node");
		String script = """
				const tls = require('tls'), fs = require('fs');
				const ca = fs.readFileSync(process.argv[1]);
				const port = Number(process.argv[2]);
				const go = (maxVersion) => new Promise((ok) => {
				  const s = tls.connect({ host: '127.0.0.1', port, servername: 'api.openai.com', ca, maxVersion }, () => {
				    s.write('GET / HTTP/1.1\\r\\nHost: api.openai.com\\r\\n\\r\\n');
				  });
				  s.once('data', (d) => { console.log(s.getProtocol(), s.authorized, d.toString().split('\\r\\n\\r\\n')[1]); s.end(); ok(); });
				  s.on('error', (e) => { console.log('error', e.code); ok(); });
				});
				go('TLSv1.3').then(() => go('TLSv1.2'));
				""";
		Run r = run(List.of("node", "-e", script, ca.certificatePath().toString(), String.valueOf(server.port())));
		assertEquals(0, r.exit(), r.err());
		assertEquals(List.of("TLSv1.3 true hello api.openai.com", "TLSv1.2 true hello api.openai.com"), r.out().lines().toList());
	}

	@Test
	@DisplayName("git (libcurl with GnuTLS) accepts the leaf with GIT_SSL_CAINFO=bundle and sends its first request")
	void gitGnuTls() throws Exception {
		requireTool("git");
		String host = "api.github.com:" + server.port();
		ProcessBuilder pb = new ProcessBuilder("git", "-c", "http.curloptResolve=" + host + ":127.0.0.1", "ls-remote", "https://" + host + "/o/r.git");
		pb.environment().put("GIT_SSL_CAINFO", ca.bundlePath().toString());
		pb.environment().put("GIT_TERMINAL_PROMPT", "0");
		pb.environment().put("HOME", home.toString());
		pb.redirectErrorStream(true);
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		// Our test server is no git server, so ls-remote fails after TLS; what matters is that the request arrived.
		assertTrue(server.requestLines.contains("GET /o/r.git/info/refs?service=git-upload-pack HTTP/1.1"), out + server.requestLines);
		assertTrue(!out.contains("certificate") && !out.contains("SSL") && !out.contains("TLS"), out);
	}

	@Test
	@DisplayName("Java's TLS client with a trust store made from amk-ca.pem verifies the leaf and its host name")
	void java() throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("amk", CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(ca.certificatePath()))));
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(trust);
		SSLContext client = SSLContext.getInstance("TLS");
		client.init(null, tmf.getTrustManagers(), null);
		assertEquals("hello api.openai.com", javaGet(client, "api.openai.com"));
		SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, () -> javaGet(client, "evil.example"));
		assertTrue(refused.getMessage().contains("handshake_failure") || refused.getMessage().contains("Received fatal alert"), refused.getMessage());
	}

	private String javaGet(SSLContext client, String host) throws IOException {
		try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port());
				SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, host, server.port(), true)) {
			SSLParameters p = s.getSSLParameters();
			p.setServerNames(List.of(new SNIHostName(host)));
			p.setEndpointIdentificationAlgorithm("HTTPS"); // host name checked against the leaf's SAN
			s.setSSLParameters(p);
			s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			s.getOutputStream().flush();
			byte[] buffer = new byte[4096];
			int n = s.getInputStream().read(buffer);
			String response = new String(buffer, 0, n, StandardCharsets.US_ASCII);
			return response.substring(response.indexOf("\r\n\r\n") + 4);
		}
	}

	@Test
	@DisplayName("an engine made for the CONNECT host gives no certificate to an SNI naming another allowed host")
	void sniMustMatchConnectHost() throws Exception {
		SSLContext server = keyManager.serverContext();
		SSLContext client = SSLContext.getInstance("TLS");
		client.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
		assertEquals("api.openai.com", handshake(server.createSSLEngine("api.openai.com", 443), client, "api.openai.com"));
		assertThrows(SSLException.class, () -> handshake(server.createSSLEngine("api.openai.com", 443), client, "api.github.com"));
		assertEquals("api.github.com", handshake(server.createSSLEngine("127.0.0.1", 50000), client, "api.github.com"),
				"an IP peer host (what Jetty passes) leaves the choice to SNI");
		assertEquals("api.openai.com", handshake(server.createSSLEngine("api.openai.com", 443), client, null), "no SNI: the CONNECT host");
		assertThrows(SSLException.class, () -> handshake(server.createSSLEngine("evil.example", 443), client, null));
	}

	/** An in-memory handshake between a server engine and a client; returns the host in the leaf the server presented. */
	private static String handshake(SSLEngine serverEngine, SSLContext client, String sni) throws Exception {
		serverEngine.setUseClientMode(false);
		SSLEngine clientEngine = client.createSSLEngine();
		clientEngine.setUseClientMode(true);
		if (sni != null) {
			SSLParameters p = clientEngine.getSSLParameters();
			p.setServerNames(List.of(new SNIHostName(sni)));
			clientEngine.setSSLParameters(p);
		}
		int size = 1 << 17;
		ByteBuffer toServer = ByteBuffer.allocate(size), toClient = ByteBuffer.allocate(size), app = ByteBuffer.allocate(size);
		clientEngine.beginHandshake();
		serverEngine.beginHandshake();
		for (int round = 0; round < 50; round++) {
			step(clientEngine, toServer, toClient, app);
			step(serverEngine, toClient, toServer, app);
			if (notHandshaking(clientEngine) && notHandshaking(serverEngine)) {
				var chain = clientEngine.getSession().getPeerCertificates();
				var sans = ((java.security.cert.X509Certificate) chain[0]).getSubjectAlternativeNames();
				return (String) sans.iterator().next().get(1);
			}
		}
		throw new AssertionError("the handshake did not finish");
	}

	private static boolean notHandshaking(SSLEngine engine) {
		SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
		return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED;
	}

	/** Moves one engine a step: wrap into {@code out}, unwrap what the other side sent, run delegated tasks. */
	private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
		engine.wrap(ByteBuffer.allocate(0), out);
		in.flip();
		engine.unwrap(in, app);
		in.compact();
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
		app.clear();
	}

	/** The engine test looks at what the server chose, not at the client's trust. */
	private static final class TrustAll implements javax.net.ssl.X509TrustManager {
		@Override
		public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
		}

		@Override
		public java.security.cert.X509Certificate[] getAcceptedIssuers() {
			return new java.security.cert.X509Certificate[0];
		}
	}
}
