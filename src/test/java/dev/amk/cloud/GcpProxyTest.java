package dev.amk.cloud;

import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.common.Json;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Google Cloud through the broker: curl with {@code HTTPS_PROXY} calls *.googleapis.com; a fake (one TLS server for
 * Google's token endpoint and an API) checks the JWT bearer assertion's RS256 signature against the service
 * account's public key and its claims, hands out tokens, and serves the API only to the token it issued.
 */
class GcpProxyTest {
	private static final String EMAIL = "agent-runner@demo-project.iam.gserviceaccount.com";

	@TempDir
	Path home;
	@TempDir
	Path caHome;

	MockWebServer google;
	BrokerFixture broker;
	MutableClock clock;
	KeyPair serviceKey;
	final List<Map<String, Object>> assertions = new CopyOnWriteArrayList<>();
	final List<String> issued = new CopyOnWriteArrayList<>();
	/** Each issued token's scope claim: the fake API serves a token only the scopes Google would let it use. */
	final Map<String, String> tokenScopes = new java.util.concurrent.ConcurrentHashMap<>();

	@BeforeEach
	void start() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		serviceKey = generator.generateKeyPair();
		LocalCa ca = new LocalCa(caHome, new InMemorySecretStore(), Clock.systemUTC());
		X509Certificate root = ca.ensure().authority().certificate();
		SSLContext serverTls = new SniKeyManager(new LeafCertificates(ca, Clock.systemUTC(), Runnable::run), h -> true).serverContext();
		google = new MockWebServer();
		google.useHttps(serverTls.getSocketFactory());
		google.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return answer(request);
			}
		});
		google.start(InetAddress.getLoopbackAddress(), 0);
		X509TrustManager trust = trusting(root);
		SSLContext clientTls = SSLContext.getInstance("TLS");
		clientTls.init(new KeyManager[0], new javax.net.ssl.TrustManager[] {trust}, null);
		clock = new MutableClock(Instant.now());
		broker = BrokerFixture.start(home, clock, settings -> settings.withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".googleapis.com") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.socketFactory(LoopbackHostMap.port443To(google.getPort()))
				.sslSocketFactory(clientTls.getSocketFactory(), trust)));
		assertEquals(0, broker.cli("ca", "path").exit());
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		if (google != null) {
			google.close();
		}
	}

	private MockResponse answer(RecordedRequest request) {
		try {
			String host = request.getUrl().host();
			if (host != null && host.startsWith("oauth2.googleapis.com") && request.getTarget().equals("/token")) {
				return token(request.getBody().utf8());
			}
			if (host != null && host.startsWith("storage.googleapis.com")) {
				String auth = request.getHeaders().get("Authorization");
				boolean ok = auth != null && auth.startsWith("Bearer ") && issued.contains(auth.substring(7));
				if (!ok) {
					return new MockResponse.Builder().code(401).body("{\"error\":{\"code\":401}}").build();
				}
				// Cloud Storage takes cloud-platform (or its read-only form) or a devstorage scope, as Google's does.
				boolean scoped = java.util.Arrays.stream(tokenScopes.get(auth.substring(7)).split(" "))
						.anyMatch(sc -> sc.startsWith("https://www.googleapis.com/auth/cloud-platform") || sc.startsWith("https://www.googleapis.com/auth/devstorage."));
				return scoped ? new MockResponse.Builder().code(200).body("{\"kind\":\"storage#buckets\",\"items\":[{\"name\":\"demo\"}]}").build()
						: new MockResponse.Builder().code(403).body("{\"error\":{\"code\":403,\"message\":\"Request had insufficient authentication scopes.\","
								+ "\"status\":\"PERMISSION_DENIED\"}}").build();
			}
			if (host != null && host.startsWith("generativelanguage.googleapis.com")) {
				// The broker masks an echoed secret, so the fake says whether the key was Gemini's rather than echo it.
				return new MockResponse.Builder().code(200).body("{\"gemini-key\":" + "AIzaGEMINIKEY123".equals(request.getHeaders().get("x-goog-api-key"))
						+ ",\"auth\":\"" + request.getHeaders().get("Authorization") + "\"}").build();
			}
			return new MockResponse.Builder().code(404).build();
		} catch (Exception e) {
			return new MockResponse.Builder().code(500).body(e.toString()).build();
		}
	}

	/** The token endpoint: RS256 signature by the service account's key, then the claims Google checks. */
	private MockResponse token(String form) throws Exception {
		Map<String, String> fields = new java.util.HashMap<>();
		for (String pair : form.split("&")) {
			String[] kv = pair.split("=", 2);
			fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
		}
		if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) {
			return new MockResponse.Builder().code(400).body("{\"error\":\"unsupported_grant_type\"}").build();
		}
		String[] jwt = fields.get("assertion").split("\\.");
		Signature rs256 = Signature.getInstance("SHA256withRSA");
		rs256.initVerify(serviceKey.getPublic());
		rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
		Map<String, Object> header = Json.readObject(new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8));
		if (!rs256.verify(Base64.getUrlDecoder().decode(jwt[2])) || !"RS256".equals(header.get("alg"))) {
			return new MockResponse.Builder().code(400).body("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}").build();
		}
		Map<String, Object> claims = Json.readObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
		assertions.add(claims);
		boolean valid = EMAIL.equals(claims.get("iss")) && "https://oauth2.googleapis.com/token".equals(claims.get("aud"))
				&& ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue() <= 3600
				&& claims.get("scope") instanceof String scope && !scope.isBlank();
		if (!valid) {
			return new MockResponse.Builder().code(400).body("{\"error\":\"invalid_grant\"}").build();
		}
		String token = "ya29.fake-" + (issued.size() + 1);
		tokenScopes.put(token, (String) claims.get("scope"));
		issued.add(token);
		return new MockResponse.Builder().code(200).body("{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}").build();
	}

	private String keyJson() {
		String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(serviceKey.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		return Json.writePretty(Map.of("type", "service_account", "project_id", "demo-project", "private_key_id", "k1", "private_key", pem,
				"client_email", EMAIL, "token_uri", "https://oauth2.googleapis.com/token"));
	}

	@Test
	@DisplayName("gcp: the key from stdin mints tokens (JWT bearer, scopes from the grant), cached, renewed after the clock passes expiry")
	void serviceAccountTokens() throws Exception {
		BrokerFixture.CliResult added = broker.cliWithStdin(keyJson(), "connection", "add", "cloud", "--provider", "gcp");
		assertEquals(0, added.exit(), added.err());
		broker.awaitRegistry(s -> s.connection("cloud") != null);
		assertTrue(broker.secrets.toString().isEmpty() || !added.out().contains("PRIVATE KEY"), "key echoed");
		String key = broker.createAgent("g", "cloud:read");

		String url = "https://storage.googleapis.com/storage/v1/b?project=demo-project";
		Run first = curl("g", key, url);
		assertEquals("200", first.status(), first.toString());
		assertTrue(first.body().contains("\"demo\""), first.body());
		assertEquals(1, assertions.size());
		assertEquals(GcpTokens.CLOUD_PLATFORM_READ_ONLY, assertions.getFirst().get("scope"));

		assertEquals("200", curl("g", key, url).status());
		assertEquals(1, issued.size(), "the token is cached");

		clock.advance(Duration.ofMinutes(56));
		assertEquals("200", curl("g", key, url).status());
		assertEquals(2, issued.size(), "renewed once within five minutes of expiry");
	}

	@Test
	@DisplayName("gcp:scopes=… — the minted token's scope claim is exactly the grant's scopes; Google's refusal of a scope passes through")
	void perGrantScopes() throws Exception {
		assertEquals(0, broker.cliWithStdin(keyJson(), "connection", "add", "cloud", "--provider", "gcp").exit());
		broker.awaitRegistry(s -> s.connection("cloud") != null);
		String storage = broker.createAgent("storage", "cloud:scopes=devstorage.read_only,bigquery.readonly");
		String bq = broker.createAgent("bq", "cloud:scopes=https://www.googleapis.com/auth/bigquery.readonly");
		String plain = broker.createAgent("plain", "cloud");
		String url = "https://storage.googleapis.com/storage/v1/b?project=demo-project";

		Run s = curl("storage", storage, url);
		assertEquals("200", s.status(), s.toString());
		assertEquals("https://www.googleapis.com/auth/bigquery.readonly https://www.googleapis.com/auth/devstorage.read_only",
				assertions.getLast().get("scope"));

		Run b = curl("bq", bq, url);
		assertEquals("403", b.status(), "a BigQuery-only token cannot list buckets: " + b);
		assertTrue(b.body().contains("insufficient authentication scopes"), "Google's own answer, unchanged: " + b.body());
		assertEquals("https://www.googleapis.com/auth/bigquery.readonly", assertions.getLast().get("scope"));

		assertEquals("200", curl("plain", plain, url).status());
		assertEquals(GcpTokens.CLOUD_PLATFORM, assertions.getLast().get("scope"));
		assertEquals(3, issued.size(), "one token per scope set");
		assertEquals("200", curl("storage", storage, url).status());
		assertEquals(3, issued.size(), "the scoped token is cached like any other");
	}

	@Test
	@DisplayName("generativelanguage.googleapis.com goes to the agent's Gemini connection even when it also holds a Google Cloud grant")
	void geminiKeepsItsHost() throws Exception {
		assertEquals(0, broker.cliWithStdin(keyJson(), "connection", "add", "cloud", "--provider", "gcp").exit());
		assertEquals(0, broker.cliWithStdin("AIzaGEMINIKEY123\n", "connection", "add", "gem", "--provider", "gemini").exit());
		broker.awaitRegistry(s -> s.connection("gem") != null && s.connection("cloud") != null);
		String key = broker.createAgent("both", "cloud", "gem");
		Run gem = curl("both", key, "https://generativelanguage.googleapis.com/v1beta/models");
		assertEquals("200", gem.status(), gem.toString());
		assertTrue(gem.body().contains("\"gemini-key\":true") && gem.body().contains("\"auth\":\"null\""), gem.body());
		assertEquals(0, issued.size(), "no Google Cloud token minted for Gemini's host");
		assertEquals("200", curl("both", key, "https://storage.googleapis.com/storage/v1/b?project=demo-project").status());
	}

	record Run(String status, String body, String err) {
	}

	private Run curl(String agent, String key, String url) throws Exception {
		assumeTrue(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "curl"))));
		List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", "--cacert",
				home.resolve("ca").resolve("amk-ca.pem").toString(), "-H", "Authorization: Bearer placeholder-not-a-token", url));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		pb.environment().put("HTTPS_PROXY", "http://" + agent + ":" + key + "@127.0.0.1:" + broker.port());
		Path err = Files.createTempFile(home, "curl", ".err");
		pb.redirectError(err.toFile());
		Process p = pb.start();
		String out;
		try (InputStream in = p.getInputStream()) {
			out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		int nl = out.lastIndexOf('\n');
		return new Run(out.substring(nl + 1), nl < 0 ? "" : out.substring(0, nl), Files.readString(err));
	}

	private static X509TrustManager trusting(X509Certificate root) throws Exception {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		store.setCertificateEntry("root", root);
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return (X509TrustManager) factory.getTrustManagers()[0];
	}
}
