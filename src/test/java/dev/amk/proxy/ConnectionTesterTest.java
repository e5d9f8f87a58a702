package dev.amk.proxy;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService.NewConnection;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection test against loopback upstreams: what it sends, where, and what it tells a person. */
class ConnectionTesterTest {
	private static final String SECRET = "sk-tester-SECRET-0123456789abcdef";

	/** Draft tests never touch the keychain; a store that fails loudly proves it. */
	private static final SecretStore NO_KEYCHAIN = new SecretStore() {
		@Override
		public void put(String ref, String secret) {
			throw new AssertionError("a draft test must not write the keychain");
		}

		@Override
		public String get(String ref) {
			throw new AssertionError("a draft test must not read the keychain");
		}

		@Override
		public void delete(String ref) {
			throw new AssertionError("a draft test must not touch the keychain");
		}

		@Override
		public String description() {
			return "none";
		}
	};

	MockWebServer upstream;
	ConnectionTester tester;

	@BeforeEach
	void start() throws IOException {
		upstream = new MockWebServer();
		upstream.start();
		tester = new ConnectionTester(NO_KEYCHAIN);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(tester, upstream);
	}

	private String base() {
		return upstream.url("/").toString();
	}

	private static NewConnection draft(ProviderSpec provider, String baseUrl) {
		return new NewConnection("probe", provider, baseUrl, null);
	}

	/** An upstream that quotes the key back everywhere it can, to prove no message repeats it. */
	private void answer(int status) {
		MockResponse.Builder response = new MockResponse.Builder().code(status).setHeader("X-Echo", SECRET);
		upstream.enqueue((status == 204 ? response : response.body("{\"echo\":\"" + SECRET + "\"}")).build());
	}

	private RecordedRequest onlyRequest() throws InterruptedException {
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals(1, upstream.getRequestCount(), "exactly one probe");
		return seen;
	}

	@ParameterizedTest(name = "{0}: GET {1} with {2}")
	@CsvSource({
			"openai,    /v1/models,     Authorization,  Bearer " + SECRET,
			"anthropic, /v1/models,     x-api-key,      " + SECRET,
			"gemini,    /v1beta/models, x-goog-api-key, " + SECRET,
			"github,    /user,          Authorization,  Bearer " + SECRET})
	@DisplayName("each provider is probed with one GET on its cheap path, the key put in as the proxy puts it")
	void probesEachProvider(String providerId, String path, String header, String value) throws Exception {
		ProviderSpec provider = Providers.byId(providerId);
		answer(200);
		ConnectionTester.Result result = tester.test(draft(provider, base()), SECRET);

		assertEquals(ConnectionTester.Outcome.OK, result.outcome(), result.message());
		RecordedRequest seen = onlyRequest();
		assertEquals("GET", seen.getMethod());
		assertEquals(path, seen.getUrl().encodedPath());
		assertNull(seen.getUrl().query());
		assertEquals(value, seen.getHeaders().get(header));
		assertEquals(provider == Providers.ANTHROPIC ? "2023-06-01" : null, seen.getHeaders().get("anthropic-version"));
		for (String other : new String[] {"Authorization", "x-api-key", "x-goog-api-key"}) {
			if (!other.equalsIgnoreCase(header)) {
				assertNull(seen.getHeaders().get(other), other + " must not be sent");
			}
		}
		assertTrue(result.message().startsWith("The key works: " + provider.displayName()), result.message());
	}

	@Test
	@DisplayName("a base URL with a path keeps it: the probe path is appended, as the proxy appends an agent's path")
	void keepsTheBasePath() throws Exception {
		answer(200);
		tester.test(draft(Providers.OPENAI, upstream.url("/openai-gateway/").toString()), SECRET);
		assertEquals("/openai-gateway/v1/models", onlyRequest().getUrl().encodedPath());
	}

	@Test
	@DisplayName("a custom API is probed with GET on its base URL, with the configured header")
	void customHeader() throws Exception {
		answer(200);
		ConnectionTester.Result result = tester.test(new NewConnection("probe", Providers.CUSTOM, upstream.url("/api/v2").toString(),
				new Injection.Header("X-Api-Token", "Token {secret}")), SECRET);

		assertEquals(ConnectionTester.Outcome.OK, result.outcome());
		RecordedRequest seen = onlyRequest();
		assertEquals("/api/v2", seen.getUrl().encodedPath());
		assertEquals("Token " + SECRET, seen.getHeaders().get("X-Api-Token"));
		assertTrue(result.message().contains("make one real request"), "a 200 on a custom root does not prove the key: " + result.message());
	}

	@Test
	@DisplayName("query-parameter and HTTP Basic injections are applied like the proxy applies them")
	void queryAndBasic() throws Exception {
		answer(200);
		answer(200);
		tester.test(new NewConnection("q", Providers.CUSTOM, base(), new Injection.Query("api_key")), SECRET);
		assertEquals(SECRET, upstream.takeRequest(5, TimeUnit.SECONDS).getUrl().queryParameter("api_key"));

		tester.test(new NewConnection("b", Providers.CUSTOM, base(), new Injection.Basic("svc")), SECRET);
		assertEquals("Basic " + Base64.getEncoder().encodeToString(("svc:" + SECRET).getBytes()),
				upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
		assertEquals(2, upstream.getRequestCount());
	}

	@ParameterizedTest(name = "{0} → {1}")
	@CsvSource({
			"200, OK", "204, OK",
			"401, REJECTED", "403, REJECTED",
			"301, UNEXPECTED_STATUS", "302, UNEXPECTED_STATUS", "400, UNEXPECTED_STATUS", "404, UNEXPECTED_STATUS",
			"429, UNEXPECTED_STATUS", "500, UNEXPECTED_STATUS", "503, UNEXPECTED_STATUS"})
	@DisplayName("the upstream's status becomes an outcome, with a message that names it and never the key")
	void statusMapping(int status, ConnectionTester.Outcome expected) throws Exception {
		answer(status);
		ConnectionTester.Result result = tester.test(draft(Providers.OPENAI, base()), SECRET);

		assertEquals(expected, result.outcome(), result.message());
		assertEquals(status, result.status());
		assertTrue(result.message().contains(String.valueOf(status)), result.message());
		assertFalse(result.message().contains(SECRET), result.message());
		if (expected == ConnectionTester.Outcome.REJECTED) {
			assertTrue(result.message().startsWith("The key was refused"), result.message());
		}
		onlyRequest();
	}

	@ParameterizedTest
	@ValueSource(ints = {301, 302, 303, 307, 308})
	@DisplayName("a redirect to another host is reported, never followed: the other host sees nothing")
	void neverFollowsRedirects(int status) throws Exception {
		try (MockWebServer elsewhere = new MockWebServer()) {
			elsewhere.start();
			upstream.enqueue(new MockResponse.Builder().code(status).setHeader("Location", elsewhere.url("/steal").toString()).build());
			// x-api-key is not stripped by OkHttp on a cross-host redirect (Authorization is): the stricter case.
			ConnectionTester.Result result = tester.test(draft(Providers.ANTHROPIC, base()), SECRET);

			assertEquals(ConnectionTester.Outcome.UNEXPECTED_STATUS, result.outcome());
			assertEquals(status, result.status());
			assertTrue(result.message().contains("never follows a redirect"), result.message());
			assertFalse(result.message().contains(SECRET));
			assertFalse(result.message().contains("steal"), "the redirect target is not repeated: " + result.message());
			onlyRequest();
			assertEquals(0, elsewhere.getRequestCount(), "the key must never reach the redirect's host");
		}
	}

	@Test
	@DisplayName("nothing listening: 'could not reach', with what to check")
	void unreachable() throws Exception {
		int closedPort;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = s.getLocalPort();
		}
		ConnectionTester.Result result = tester.test(draft(Providers.OPENAI, "http://127.0.0.1:" + closedPort), SECRET);

		assertEquals(ConnectionTester.Outcome.UNREACHABLE, result.outcome());
		assertEquals(0, result.status());
		assertEquals("Could not reach OpenAI (127.0.0.1:" + closedPort + "): nothing accepted the connection."
				+ " Check the base URL and that the service is running, then test again.", result.message());
	}

	@Test
	@DisplayName("an upstream that accepts but never answers times out within the test's deadline")
	void timeout() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				ConnectionTester quick = new ConnectionTester(NO_KEYCHAIN, Duration.ofMillis(300))) {
			long started = System.nanoTime();
			ConnectionTester.Result result = quick.test(draft(Providers.GITHUB, "http://127.0.0.1:" + silent.getLocalPort()), SECRET);
			long tookMs = (System.nanoTime() - started) / 1_000_000;

			assertEquals(ConnectionTester.Outcome.TIMEOUT, result.outcome(), result.message());
			assertEquals("GitHub (127.0.0.1:" + silent.getLocalPort() + ") did not answer within 300 ms."
					+ " Check your network or the provider's status, then test again.", result.message());
			assertTrue(tookMs < 3_000, "the deadline holds: took " + tookMs + " ms");
		}
	}

	@Test
	@DisplayName("the default deadline is five seconds")
	void defaultTimeout() {
		assertEquals(Duration.ofSeconds(5), ConnectionTester.DEFAULT_TIMEOUT);
	}

	@ParameterizedTest
	@ValueSource(strings = {"sk-line\nbreak-SECRET", "sk-ключ-SECRET", "sk-nul\u0000-SECRET", ""})
	@DisplayName("a key that cannot go in a header is refused before any request, without quoting it")
	void unsendableKeys(String key) {
		AmkException e = assertThrows(AmkException.class, () -> tester.test(draft(Providers.ANTHROPIC, base()), key));
		assertEquals("invalid_argument", e.type());
		assertTrue(key.isEmpty() || !e.getMessage().contains(key), e.getMessage());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("a key pasted into the base URL field is not echoed by the validation message")
	void keyInTheWrongField() {
		AmkException e = assertThrows(AmkException.class, () -> tester.test(draft(Providers.OPENAI, "not a url " + SECRET), SECRET));
		assertFalse(e.getMessage().contains(SECRET), e.getMessage());
		assertTrue(e.getMessage().contains("is not an http(s) URL"), e.getMessage());
	}

	@Test
	@DisplayName("drafts are validated as the service validates them: a custom API needs a base URL; plain http only to this machine")
	void validation() {
		AmkException custom = assertThrows(AmkException.class, () -> tester.test(draft(Providers.CUSTOM, null),
				SECRET));
		assertTrue(custom.getMessage().startsWith("A custom connection needs a base URL"), custom.getMessage());
		AmkException plain = assertThrows(AmkException.class, () -> tester.test(draft(Providers.OPENAI, "http://api.example.com"), SECRET));
		assertTrue(plain.getMessage().startsWith("Refusing to send a real credential over plain http"), plain.getMessage());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("a saved connection is tested with the secret the keychain holds; a missing one is reported")
	void savedConnectionUsesTheKeychain() throws Exception {
		String ref = "connection/" + UUID.randomUUID();
		InMemorySecretStore keychain = new InMemorySecretStore();
		try (ConnectionTester withKeychain = new ConnectionTester(keychain)) {
			keychain.put(ref, SECRET);
			try {
				Connection saved = new Connection(1, "openai", Providers.OPENAI, HttpUrl.get(base()), Providers.OPENAI.defaultInjection(), ref,
						Instant.now());
				answer(401);
				ConnectionTester.Result refused = withKeychain.test(saved);
				assertEquals(ConnectionTester.Outcome.REJECTED, refused.outcome());
				assertEquals("Bearer " + SECRET, onlyRequest().getHeaders().get("Authorization"));
				assertFalse(refused.message().contains(SECRET));

				Connection lost = new Connection(2, "gone", Providers.OPENAI, HttpUrl.get(base()), Providers.OPENAI.defaultInjection(),
						"connection/" + UUID.randomUUID(), Instant.now());
				ConnectionTester.Result missing = withKeychain.test(lost);
				assertEquals(ConnectionTester.Outcome.SECRET_UNAVAILABLE, missing.outcome());
				assertTrue(missing.message().startsWith("The key of 'gone' could not be read: "), missing.message());
				assertEquals(1, upstream.getRequestCount(), "no request without a key");
			} finally {
				keychain.delete(ref);
			}
		}
	}
}
