package dev.amk.proxy;

import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.common.Json;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --allow-host}: a CONNECT to a matching host that no granted connection owns becomes a blind tunnel (real curl,
 * TLS end to end with the upstream's own certificate, no credential added), audited with the host and byte counts. The
 * upstream is a TLS server on loopback standing for {@code pkg.registry.test}: the broker's tunnel destinations map that
 * name to it, which is the only change from production (where loopback is never a destination).
 */
class BlindTunnelTest {
	@TempDir
	Path home;
	@TempDir
	Path upstreamCaHome;
	MockWebServer upstream;
	BrokerFixture broker;
	LocalCa upstreamCa;

	@BeforeEach
	void start() throws Exception {
		upstreamCa = new LocalCa(upstreamCaHome, new InMemorySecretStore(), Clock.systemUTC());
		upstreamCa.ensure();
		SSLContext tls = new SniKeyManager(new LeafCertificates(upstreamCa, Clock.systemUTC(), Runnable::run), h -> true).serverContext();
		upstream = new MockWebServer();
		upstream.useHttps(tls.getSocketFactory());
		upstream.start(InetAddress.getLoopbackAddress(), 0);
		broker = BrokerFixture.start(home, settings -> settings.withTunnelDestinations((host, port) -> {
			if (host.equals("meta.registry.test")) {
				// a name that resolves to the cloud metadata address: the production vetting decides
				InetAddress metadata = InetAddress.getByName("169.254.169.254");
				if (!TunnelDestinations.isPublic(metadata)) {
					throw new TunnelDestinations.NotPublic(host);
				}
				return new InetSocketAddress(metadata, port);
			}
			if (host.equals("down.registry.test")) {
				return new InetSocketAddress(InetAddress.getLoopbackAddress(), 1); // nothing listens there
			}
			if (host.endsWith(".registry.test")) {
				return new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getPort());
			}
			return TunnelDestinations.PUBLIC_ONLY.resolve(host, port);
		}));
		broker.addConnection("example", "custom", "https://api.example.test", "sk-secret-0123456789", "--header", "Authorization");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.close();
	}

	private String createAgent(String name, String... allowHosts) {
		List<String> args = new ArrayList<>(List.of("agent", "create", name, "--json", "--grant", "example"));
		for (String h : allowHosts) {
			args.add("--allow-host");
			args.add(h);
		}
		BrokerFixture.CliResult r = broker.cli(args.toArray(String[]::new));
		assertEquals(0, r.exit(), r.err());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(name)));
		return (String) r.json().get("key");
	}

	@Test
	@DisplayName("an allowed host: a blind tunnel passes bytes both ways untouched, audited with host and byte counts")
	void allowedHostIsTunnelled() throws Exception {
		String key = createAgent("builder", "*.registry.test");
		upstream.enqueue(new MockResponse.Builder().body("package-bytes").build());

		Curl r = curl("builder", key, "-H", "Authorization: Bearer tool-own-token", "https://pkg.registry.test/pkg/left-pad");
		assertEquals(0, r.exit(), () -> r.err() + broker.cli("audit", "--json").out() + logs());
		assertEquals("package-bytes\n200", r.out());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/pkg/left-pad", seen.getTarget());
		assertEquals("Bearer tool-own-token", seen.getHeaders().get("Authorization"), "a blind tunnel adds and removes nothing");

		Map<String, Object> row = awaitAuditRow("pkg.registry.test:443");
		assertEquals("builder", row.get("agent"));
		assertEquals("CONNECT", row.get("method"));
		assertEquals("allowed", row.get("decision"));
		assertEquals(200, ((Number) row.get("status")).intValue());
		assertTrue(((Number) row.get("bytes_in")).longValue() > 100, row.toString()); // the TLS handshake and request
		assertTrue(((Number) row.get("bytes_out")).longValue() > 100, row.toString());
	}

	@Test
	@DisplayName("an allowed host that does not answer: 502 upstream_unreachable, audited")
	void unreachable() throws Exception {
		String key = createAgent("builder", "*.registry.test");
		Curl r = curl("builder", key, "https://down.registry.test/");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("502"), r.err());
		assertEquals("upstream_unreachable", awaitAuditRow("down.registry.test:443").get("reason"));
	}

	@Test
	@DisplayName("an allowed name that resolves to 169.254.169.254 (metadata): 403 host_not_allowed, never connected")
	void metadataAddressRefused() throws Exception {
		String key = createAgent("builder", "*.registry.test");
		Curl r = curl("builder", key, "https://meta.registry.test/latest/meta-data/");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("403"), r.err());
		assertEquals("host_not_allowed", awaitAuditRow("meta.registry.test:443").get("reason"));
	}

	@Test
	@DisplayName("an open blind tunnel closes within a second or so of its key expiring, with no registry change (a killed amk run)")
	void expiryClosesBlindTunnel() throws Exception {
		BrokerFixture.CliResult r = broker.cli("agent", "create", "short", "--json", "--grant", "example", "--allow-host", "*.registry.test",
				"--expires", "2s");
		assertEquals(0, r.exit(), r.err());
		String key = (String) r.json().get("key");
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("short")));
		try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			s.setSoTimeout(6000);
			String auth = java.util.Base64.getEncoder().encodeToString(("short:" + key).getBytes(StandardCharsets.UTF_8));
			s.getOutputStream().write(("CONNECT pkg.registry.test:443 HTTP/1.1\r\nHost: pkg.registry.test:443\r\nProxy-Authorization: Basic "
					+ auth + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			InputStream in = s.getInputStream();
			StringBuilder head = new StringBuilder();
			while (!head.toString().endsWith("\r\n\r\n")) {
				head.append((char) in.read());
			}
			assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
			long opened = System.nanoTime();
			int read;
			try {
				read = in.read();
			} catch (java.io.IOException reset) {
				read = -1;
			}
			assertEquals(-1, read, "closed, not timed out");
			double seconds = (System.nanoTime() - opened) / 1e9;
			assertTrue(seconds < 4.5, "closed " + seconds + " s after opening; the key expired 2 s after creation");
			assertTrue(seconds > 1.0, "closed by the expiry, not by something else: " + seconds + " s");
		}
	}

	@Test
	@DisplayName("a host neither granted nor allowed: 403 host_not_allowed and nothing leaves the machine")
	void otherHostRefused() throws Exception {
		String key = createAgent("builder", "*.registry.test");
		Curl r = curl("builder", key, "https://evil.example.org/");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("403"), r.err());
		assertEquals(0, upstream.getRequestCount());
		Map<String, Object> row = awaitAuditRow("evil.example.org:443");
		assertEquals("host_not_allowed", row.get("reason"));
	}

	@Test
	@DisplayName("an agent without --allow-host gets no blind tunnel to the same host")
	void notAllowedWithoutPattern() throws Exception {
		String key = createAgent("plain");
		Curl r = curl("plain", key, "https://pkg.registry.test/x");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("403"), r.err());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("--allow-host never takes an address or this machine")
	void patternsValidated() {
		for (String bad : List.of("169.254.169.254", "127.0.0.1", "localhost", "[::1]", "*.com", "https://x.example.com")) {
			BrokerFixture.CliResult r = broker.cli("agent", "create", "x", "--grant", "example", "--allow-host", bad);
			assertNotEquals(0, r.exit(), bad);
			assertTrue(r.err().contains("--allow-host"), r.err());
		}
		assertFalse(broker.cli("agent", "list", "--json").out().contains("\"x\""));
	}

	@Test
	@DisplayName("production vetting: loopback, link-local (metadata), private, CGNAT and mapped forms are never destinations")
	void vetting() throws Exception {
		for (String a : List.of("127.0.0.1", "169.254.169.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1",
				"fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1")) {
			assertFalse(TunnelDestinations.isPublic(InetAddress.getByName(a)), a);
		}
		for (String a : List.of("1.1.1.1", "140.82.112.3", "2606:4700::1111")) {
			assertTrue(TunnelDestinations.isPublic(InetAddress.getByName(a)), a);
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> awaitAuditRow(String path) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			for (Object o : (List<Object>) Json.read(broker.cli("audit", "--json").out())) {
				Map<String, Object> row = (Map<String, Object>) o;
				if (path.equals(row.get("path"))) {
					return row;
				}
			}
			Thread.sleep(20); // polling with a deadline: the row is written when the tunnel closes
		}
		throw new AssertionError("no audit row for " + path + ": " + broker.cli("audit", "--json").out());
	}

	private String logs() {
		try (var files = Files.walk(home)) {
			return files.filter(f -> f.toString().endsWith(".log")).map(f -> {
				try {
					return Files.readString(f);
				} catch (java.io.IOException e) {
					return "";
				}
			}).reduce("", String::concat);
		} catch (java.io.IOException e) {
			return "";
		}
	}

	record Curl(int exit, String out, String err) {
	}

	private Curl curl(String agent, String proxyKey, String... args) throws Exception {
		Assumptions.assumeTrue(java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
				.anyMatch(dir -> Files.isExecutable(Path.of(dir, "curl"))), "curl is not installed");
		List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", "--cacert",
				upstreamCaHome.resolve("ca").resolve("amk-ca.pem").toString()));
		cmd.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		pb.environment().put("HTTPS_PROXY", "http://" + agent + ":" + proxyKey + "@127.0.0.1:" + broker.port());
		Path err = Files.createTempFile(home, "curl", ".err");
		pb.redirectError(err.toFile());
		Process p = pb.start();
		String out;
		try (InputStream in = p.getInputStream()) {
			out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		return new Curl(p.exitValue(), out, Files.readString(err));
	}
}
