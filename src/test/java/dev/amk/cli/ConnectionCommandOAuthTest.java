package dev.amk.cli;

import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionRepository;
import dev.amk.db.Database;
import dev.amk.oauth.TokenSet;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.Teardown;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk connection connect}, {@code list} and {@code remove} for OAuth, end to end: the real CLI (in-process,
 * reading its stdout line by line while it waits), the keychain (in memory) and SQLite, a running broker, and a fake
 * authorization server over real sockets. The "browser" is an HTTP client that follows the provider's redirect to
 * the command's loopback listener.
 */
class ConnectionCommandOAuthTest {
	static final String CLIENT_ID = "amk-cli-test-client";
	static final String CLIENT_SECRET = "cs-" + "k7Q2mX9vR4tL8wZ1pN6bJ3";

	@TempDir
	Path home;

	BrokerFixture broker;
	SecretStore keychain;
	FakeAuthorizationServer fake;
	final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(true).build();

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		keychain = broker.secrets;
		fake = FakeAuthorizationServer.start().registerClient(CLIENT_ID, CLIENT_SECRET);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, fake);
	}

	/** GitHub's profile, pointed at the fake server; {@code extra} adds options, or replaces one of these with its value. */
	private List<String> githubArgs(String name, String... extra) {
		List<String> args = new ArrayList<>(List.of("connection", "connect", name, "--provider", "github", "--client-id", CLIENT_ID,
				"--client-secret-stdin", "--authorize-url", fake.authorizeUrl(), "--token-url", fake.tokenUrl(),
				"--device-url", fake.deviceAuthorizationUrl(), "--revoke-url", fake.revokeUrl(), "--base-url", fake.apiBaseUrl(), "--no-browser"));
		for (String e : extra) {
			int at = args.indexOf(e);
			if ((e.endsWith("-url") || e.equals("--provider")) && at >= 0) {
				args.subList(at, at + 2).clear();
			}
		}
		args.addAll(List.of(extra));
		return args;
	}

	/** What a person's browser does: load the page, get redirected to the loopback listener, see its page. */
	private int approveInBrowser(String authorizationUrl) throws IOException {
		try (Response r = browser.newCall(new Request.Builder().url(authorizationUrl).build()).execute()) {
			assertTrue(r.request().url().host().equals("127.0.0.1") && r.request().url().encodedPath().equals("/callback"),
					"the browser ended at the loopback listener: " + r.request().url());
			return r.code();
		}
	}

	private Connection stored(String name) {
		return Database.openRegistry(home).read(db -> new ConnectionRepository().byName(db, name)).orElseThrow();
	}

	/** Connects 'gh' through the whole --no-browser flow and waits until the running broker knows it. */
	private Running connectGithub(String name, String... extra) throws Exception {
		Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs(name, extra));
		String url = run.nextLine();
		assertEquals(200, approveInBrowser(url));
		assertEquals(0, run.awaitExit(), run.err());
		broker.awaitRegistry(s -> s.connection(name) != null);
		return run;
	}

	@Nested
	class WhenConnectingWithNoBrowser {
		@Test
		@DisplayName("approved in a browser elsewhere: the address it failed to load, pasted on stdin, finishes the sign-in")
		void pastedAddress() throws Exception {
			fake.registerClient("public-client", null);
			java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
			List<String> args = new ArrayList<>(githubArgs("gh"));
			args.remove("--client-secret-stdin");
			args.set(args.indexOf(CLIENT_ID), "public-client");
			Running run = Running.start(broker, new java.io.PipedInputStream(typing), args);
			String url = run.nextLine();
			// The other machine's browser: approves, then fails to follow the redirect to its own 127.0.0.1.
			String address;
			try (Response r = new OkHttpClient.Builder().followRedirects(false).build().newCall(new Request.Builder().url(url).build()).execute()) {
				address = r.header("Location");
			}
			typing.write((address.replaceFirst("state=[^&]+", "state=forged") + "\n").getBytes(StandardCharsets.UTF_8));
			typing.flush();
			run.awaitErr("does not belong to this sign-in");
			assertEquals(0, fake.tokenCalls(), "a forged state is refused before any exchange");
			typing.write((address + "\n").getBytes(StandardCharsets.UTF_8));
			typing.flush();
			assertEquals(0, run.awaitExit(), run.err());
			assertTrue(run.err().contains("paste it here"), run.err());
			assertEquals("octocat", stored("gh").oauth().identity());
			typing.close();
		}

		@Test
		@DisplayName("connect --no-browser: URL first on stdout, tokens stored after the redirect, and the broker uses them")
		void endToEnd() throws Exception {
			Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs("gh"));
			String url = run.nextLine();

			HttpUrl parsed = HttpUrl.parse(url);
			assertNotNull(parsed, "the first stdout line is the authorization URL: " + url);
			assertEquals(fake.authorizeUrl(), parsed.newBuilder().query(null).build().toString());
			assertEquals(CLIENT_ID, parsed.queryParameter("client_id"));
			assertEquals("S256", parsed.queryParameter("code_challenge_method"));
			assertTrue(parsed.queryParameter("redirect_uri").matches("http://127\\.0\\.0\\.1:\\d+/callback"), url);
			assertTrue(run.isRunning(), "the command waits for the redirect");

			assertEquals(200, approveInBrowser(url));
			assertEquals(0, run.awaitExit(), run.err());

			List<String> out = run.outLines();
			assertEquals(url, out.getFirst());
			assertTrue(out.get(1).startsWith("Connected 'gh' (GitHub) as octocat — scopes: repo, read:user — token expires in "), out.get(1));
			assertTrue(run.out().contains("Next: amk agent create NAME --grant gh"), run.out());
			assertTrue(run.err().contains("Open this URL in a browser"), run.err());

			// The keychain holds the token set the fake issued; nothing printed it.
			TokenSet tokens = TokenSet.fromJson(keychain.get(stored("gh").secretRef()));
			String accessToken = fake.issuedAccessTokens().getFirst();
			assertEquals(accessToken, tokens.accessToken());
			assertNotNull(tokens.refreshToken());
			for (String printed : List.of(run.out(), run.err())) {
				assertFalse(printed.contains(accessToken) || printed.contains(tokens.refreshToken()), "a token was printed");
			}

			Map<?, ?> listed = (Map<?, ?>) ((List<?>) Json.read(broker.cli("connection", "list", "--json").out())).getFirst();
			assertEquals("oauth", listed.get("auth"));
			assertEquals("octocat", listed.get("identity"));
			assertEquals(List.of("repo", "read:user"), listed.get("scopes"));
			assertEquals("connected", listed.get("status"));
			assertNotNull(java.time.Instant.parse((String) listed.get("expires")));
			assertEquals(fake.apiBaseUrl(), listed.get("base_url"));
			String table = broker.cli("connection", "list").out();
			assertTrue(table.matches("(?s).*gh +github +" + java.util.regex.Pattern.quote(fake.apiBaseUrl())
					+ " +OAuth as octocat \\(expires in (59 min|1 h)\\) +-.*"), table);

			String key = broker.createAgent("bot", "gh");
			HttpResponse<String> api = broker.get("/gh/user", "Authorization", "Bearer " + key);
			assertEquals(200, api.statusCode(), api.body());
			assertEquals("octocat", Json.readObject(api.body()).get("login"));
			FakeAuthorizationServer.ApiRequest seen = fake.apiRequests().getLast();
			assertEquals("/api/user", seen.path());
			assertEquals("Bearer " + accessToken, seen.authorization(), "the fake saw the real token, not the agent key");
		}

		@Test
		@DisplayName("the client secret goes to the keychain only: never on stdout, stderr, argv or in SQLite")
		void clientSecretStaysSecret() throws Exception {
			Running run = connectGithub("gh");

			assertFalse(run.out().contains(CLIENT_SECRET) || run.err().contains(CLIENT_SECRET));
			assertFalse(String.join(" ", githubArgs("gh")).contains(CLIENT_SECRET));
			assertFalse(fake.authorizeRequests().toString().contains(CLIENT_SECRET), "the secret is not in the authorization URL");
			String clientRef = stored("gh").oauth().clientSecretRef();
			assertEquals(CLIENT_SECRET, keychain.get(clientRef));
			broker.cli("agent", "create", "bot", "--grant", "gh"); // more writes to the database, then look at every file
			try (Stream<Path> files = Files.walk(home)) {
				for (Path f : files.filter(Files::isRegularFile).toList()) {
					String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
					assertFalse(bytes.contains(CLIENT_SECRET), "the client secret is in " + f);
					assertFalse(bytes.contains(fake.issuedAccessTokens().getFirst()), "the access token is in " + f);
				}
			}
		}

		@Test
		@DisplayName("--json: the URL is still the first line; the last line is one JSON object")
		void json() throws Exception {
			Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs("gh", "--json"));
			String url = run.nextLine();
			approveInBrowser(url);
			assertEquals(0, run.awaitExit(), run.err());
			List<String> out = run.outLines();
			assertEquals(2, out.size(), run.out());
			assertEquals(url, out.getFirst());
			Map<String, Object> result = Json.readObject(out.get(1));
			assertEquals("gh", result.get("name"));
			assertEquals("github", result.get("provider"));
			assertEquals("oauth", result.get("auth"));
			assertEquals("octocat", result.get("identity"));
			assertEquals("connected", result.get("status"));
			assertEquals(false, result.get("reconnected"));
		}

		@Test
		@DisplayName("a refusal in the browser ends the command with exit 1 and stores nothing")
		void denied() throws Exception {
			fake.authorizeMode(FakeAuthorizationServer.Mode.DENY);
			Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs("gh"));
			approveInBrowser(run.nextLine());
			assertEquals(1, run.awaitExit());
			assertTrue(run.err().contains("amk: "), run.err());
			assertNothingStored();
		}

		@Test
		@DisplayName("--timeout: nobody approves, the command gives up with exit 1 and the listener closes")
		void timeout() throws Exception {
			Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs("gh", "--timeout", "1s"));
			HttpUrl redirect = HttpUrl.parse(HttpUrl.parse(run.nextLine()).queryParameter("redirect_uri"));
			assertEquals(1, run.awaitExit());
			assertFalse(run.err().isBlank());
			assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", redirect.port()).close(), "the listener is closed");
			assertNothingStored();
		}
	}

	@Test
	@DisplayName("device flow: verification URI and user code on stdout, approval after a few polls, tokens stored")
	void deviceFlow() throws Exception {
		fake.deviceInterval(java.time.Duration.ofSeconds(1)).autoApproveDeviceAfterPolls(1);
		Running run = Running.start(broker, CLIENT_SECRET + "\n", githubArgs("gh", "--device"));
		String verificationUri = run.nextLine();
		String userCode = run.nextLine();
		assertEquals(fake.baseUrl() + "/device", verificationUri);
		assertTrue(userCode.matches("[A-Z-]{8,9}"), userCode);
		assertEquals(0, run.awaitExit(), run.err());
		assertTrue(run.err().contains(userCode) && run.err().contains(verificationUri), run.err());
		assertTrue(run.outLines().get(2).startsWith("Connected 'gh' (GitHub) as octocat"), run.out());
		assertEquals(fake.issuedAccessTokens().getFirst(), TokenSet.fromJson(keychain.get(stored("gh").secretRef())).accessToken());
		assertTrue(fake.authorizeRequests().isEmpty(), "no browser redirect in the device flow");
	}

	@Test
	@DisplayName("--reconnect reuses the stored settings and client secret, replaces the tokens, keeps the grants")
	void reconnect() throws Exception {
		connectGithub("gh");
		String key = broker.createAgent("bot", "gh");
		Connection before = stored("gh");

		Running run = Running.start(broker, "", List.of("connection", "connect", "gh", "--reconnect", "--no-browser"));
		String url = run.nextLine();
		assertEquals(CLIENT_ID, HttpUrl.parse(url).queryParameter("client_id"));
		assertEquals(200, approveInBrowser(url));
		assertEquals(0, run.awaitExit(), run.err());
		assertTrue(run.out().contains("Reconnected 'gh' (GitHub) as octocat"), run.out());
		assertTrue(run.out().contains("keep their grants") && run.out().contains("bot"), run.out());

		Connection after = stored("gh");
		assertNotEquals(before.secretRef(), after.secretRef());
		assertEquals("secret_missing", assertThrows(dev.amk.common.AmkException.class, () -> keychain.get(before.secretRef())).type(),
				"the old token set is gone from the keychain");
		assertEquals(CLIENT_SECRET, keychain.get(after.oauth().clientSecretRef()), "the client secret was kept");
		broker.awaitRegistry(s -> s.connection("gh") != null && s.connection("gh").secretRef().equals(after.secretRef()));

		assertEquals(200, broker.get("/gh/user", "Authorization", "Bearer " + key).statusCode());
		assertEquals("Bearer " + fake.issuedAccessTokens().get(1), fake.apiRequests().getLast().authorization());
	}

	@Test
	@DisplayName("a refused refresh shows as NEEDS RECONNECT in list, agents get 503 connection_needs_reauth, --reconnect fixes both")
	void needsReconnect() throws Exception {
		connectGithub("gh");
		String key = broker.createAgent("bot", "gh");
		fake.expireAccessTokens();
		fake.rejectRefresh(true);

		HttpResponse<String> rejected = broker.get("/gh/user", "Authorization", "Bearer " + key);
		assertEquals(401, rejected.statusCode(), "the upstream's 401 goes back when the refresh is refused");
		HttpResponse<String> next = broker.get("/gh/user", "Authorization", "Bearer " + key);
		assertEquals(503, next.statusCode(), next.body());
		assertEquals("connection_needs_reauth", BrokerFixture.errorType(next));

		String table = broker.cli("connection", "list").out();
		assertTrue(table.contains("OAuth — NEEDS RECONNECT"), table);
		assertTrue(table.contains("amk connection connect gh --reconnect"), table);
		Map<?, ?> listed = (Map<?, ?>) ((List<?>) Json.read(broker.cli("connection", "list", "--json").out())).getFirst();
		assertEquals("needs_reconnect", listed.get("status"));

		fake.rejectRefresh(false);
		Running run = Running.start(broker, "", List.of("connection", "connect", "gh", "--reconnect", "--no-browser"));
		approveInBrowser(run.nextLine());
		assertEquals(0, run.awaitExit(), run.err());
		String ref = stored("gh").secretRef();
		broker.awaitRegistry(s -> s.connection("gh").secretRef().equals(ref));
		assertEquals(200, broker.get("/gh/user", "Authorization", "Bearer " + key).statusCode());
		assertTrue(broker.cli("connection", "list").out().contains("OAuth as octocat"));
	}

	@Nested
	class WhenRemoving {
		@Test
		@DisplayName("remove revokes the tokens at the provider and says so")
		void revokes() throws Exception {
			connectGithub("gh");
			String refreshToken = TokenSet.fromJson(keychain.get(stored("gh").secretRef())).refreshToken();

			BrokerFixture.CliResult text = broker.cli("connection", "remove", "gh");

			assertEquals(0, text.exit(), text.err());
			assertTrue(text.out().contains("revoked at the provider"), text.out());
			assertEquals(List.of(refreshToken), fake.revokedTokens());
			assertTrue(fake.currentAccessTokens().isEmpty(), "revoking the refresh token ended the access token too");
		}

		@Test
		@DisplayName("remove --json: revoked true, or null where the provider has no revocation endpoint")
		void json() throws Exception {
			connectGithub("gh");
			connectGithub("gh2", "--provider", "oauth", "--revoke-url", ""); // a generic provider without a revocation endpoint
			Map<String, Object> revoked = broker.cli("connection", "remove", "gh", "--json").json();
			BrokerFixture.CliResult notSupported = broker.cli("connection", "remove", "gh2", "--json");
			assertEquals(true, revoked.get("revoked"));
			assertTrue(notSupported.json().containsKey("revoked"));
			assertNull(notSupported.json().get("revoked"));
			String text = broker.cli("connection", "list").out();
			assertTrue(text.startsWith("No connections yet"), text);
		}

		@Test
		@DisplayName("without a revocation endpoint, remove points at the provider's page for withdrawing access")
		void notSupported() throws Exception {
			connectGithub("gh", "--provider", "oauth", "--revoke-url", "");
			BrokerFixture.CliResult r = broker.cli("connection", "remove", "gh");
			assertEquals(0, r.exit(), r.err());
			assertTrue(r.out().contains("could not be asked to revoke") && r.out().contains("the provider's account settings"), r.out());
			assertTrue(fake.revokedTokens().isEmpty());
		}

		@Test
		@DisplayName("an unreachable provider: the connection is removed anyway, and the output says the revocation failed")
		void unreachable() throws Exception {
			connectGithub("gh");
			fake.close();
			BrokerFixture.CliResult r = broker.cli("connection", "remove", "gh", "--json");
			assertEquals(0, r.exit(), r.err());
			assertEquals(false, r.json().get("revoked"));
			assertEquals("[ ]", broker.cli("connection", "list", "--json").out().strip());
		}
	}

	@Nested
	class WhenTheInputIsWrong {
		@Test
		@DisplayName("bad input is refused with a clear message, before any browser or listener, and nothing is stored")
		void refused() {
			expectRefused(1, "Unknown provider 'nope'", "connection", "connect", "x", "--provider", "nope", "--client-id", CLIENT_ID);
			expectRefused(1, "does not connect with OAuth", "connection", "connect", "x", "--provider", "openai", "--client-id", CLIENT_ID);
			expectRefused(1, "client id", "connection", "connect", "x", "--provider", "github", "--no-browser");
			expectRefused(1, "Choose a provider", "connection", "connect", "x", "--client-id", CLIENT_ID);
			expectRefused(1, "must use https", "connection", "connect", "x", "--provider", "oauth", "--client-id", CLIENT_ID,
					"--authorize-url", "https://auth.example.com/authorize", "--token-url", "http://auth.example.com/token",
					"--base-url", "https://api.example.com");
			expectRefused(1, "--base-url", "connection", "connect", "x", "--provider", "oauth", "--client-id", CLIENT_ID,
					"--authorize-url", "https://auth.example.com/authorize", "--token-url", "https://auth.example.com/token");
			expectRefused(1, "not a duration", "connection", "connect", "x", "--provider", "github", "--client-id", CLIENT_ID, "--timeout", "soon");
			expectRefused(1, "No connection named 'x'", "connection", "connect", "x", "--reconnect");
			expectRefused(Cli.EXIT_USAGE, "Missing required parameter", "connection", "connect", "--provider", "github");
			expectRefused(Cli.EXIT_USAGE, "Unknown option", "connection", "connect", "x", "--provider", "github", "--client-id", CLIENT_ID,
					"--client-secret", CLIENT_SECRET);
			assertNothingStored();
		}

		@Test
		@DisplayName("a taken name is refused before the secret is read or a browser opens")
		void nameTaken() {
			broker.cliWithStdin("sk-x\n", "connection", "add", "gh", "--provider", "github");
			BrokerFixture.CliResult r = broker.cliWithStdin(CLIENT_SECRET + "\n", githubArgs("gh").toArray(String[]::new));
			assertEquals(1, r.exit());
			assertTrue(r.err().contains("already exists"), r.err());
			assertEquals("", r.out());
			assertTrue(fake.authorizeRequests().isEmpty());
			BrokerFixture.CliResult reconnectApiKey = broker.cli("connection", "connect", "gh", "--reconnect");
			assertEquals(1, reconnectApiKey.exit());
			assertTrue(reconnectApiKey.err().contains("API key"), reconnectApiKey.err());
		}

		@Test
		@DisplayName("--json errors are JSON on stderr")
		void jsonError() {
			BrokerFixture.CliResult r = broker.cli("connection", "connect", "x", "--provider", "github", "--json");
			assertEquals(1, r.exit());
			assertEquals("invalid_argument", ((Map<?, ?>) Json.readObject(r.err()).get("error")).get("type"));
		}

		private void expectRefused(int exit, String message, String... args) {
			BrokerFixture.CliResult r = broker.cliWithStdin(CLIENT_SECRET + "\n", args);
			assertEquals(exit, r.exit(), String.join(" ", args) + " → " + r.err());
			assertTrue(r.err().contains(message), r.err());
			if (!String.join(" ", args).contains(CLIENT_SECRET)) {
				assertFalse(r.err().contains(CLIENT_SECRET));
			}
			assertEquals("", r.out(), "nothing on stdout, so no script mistakes an error for a URL");
		}
	}

	private void assertNothingStored() {
		assertEquals("[ ]", broker.cli("connection", "list", "--json").out().strip());
		assertTrue(fake.issuedAccessTokens().isEmpty(), "no tokens were issued");
	}

	/** One {@code amk} command running in-process on its own thread, its stdout readable line by line as it is written. */
	static final class Running {
		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		private final StringBuilder out = new StringBuilder();
		private final StringWriter err = new StringWriter();
		private final CompletableFuture<Integer> exit = new CompletableFuture<>();

		static Running start(BrokerFixture broker, String stdin, List<String> args) {
			return start(broker, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
		}

		static Running start(BrokerFixture broker, java.io.InputStream stdin, List<String> args) {
			Running r = new Running();
			Writer capture = new Writer() {
				private final StringBuilder line = new StringBuilder();

				@Override
				public synchronized void write(char[] buf, int off, int len) {
					for (int i = off; i < off + len; i++) {
						r.append(buf[i]);
						if (buf[i] == '\n') {
							r.lines.add(line.toString());
							line.setLength(0);
						} else {
							line.append(buf[i]);
						}
					}
				}

				@Override
				public void flush() {
				}

				@Override
				public void close() {
				}
			};
			Thread.ofPlatform().name("amk " + String.join(" ", args)).daemon().start(() -> {
				try {
					r.exit.complete(Cli.run(args.toArray(String[]::new), Map.of("AMK_HOME", broker.home.toString()),
							stdin, false, new PrintWriter(capture, true),
							new PrintWriter(r.err, true), Clock.systemUTC(), () -> broker.secrets));
				} catch (Throwable t) {
					r.exit.completeExceptionally(t);
				}
			});
			return r;
		}

		private synchronized void append(char c) {
			out.append(c);
		}

		/** The next stdout line; fails after 10 s, or at once if the command ended without printing it. */
		String nextLine() throws Exception {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < deadline) {
				String line = lines.poll(50, TimeUnit.MILLISECONDS);
				if (line != null) {
					return line;
				}
				if (exit.isDone() && lines.isEmpty()) {
					throw new AssertionError("the command ended (exit " + exit.get() + ") without another line; stderr: " + err());
				}
			}
			throw new AssertionError("no stdout line within 10 s; stderr: " + err());
		}

		boolean isRunning() {
			return !exit.isDone();
		}

		int awaitExit() throws Exception {
			return exit.get(20, TimeUnit.SECONDS);
		}

		synchronized String out() {
			return out.toString();
		}

		List<String> outLines() {
			return out().lines().toList();
		}

		String err() {
			return err.toString();
		}

		/** Waits (10 s at most) until stderr says {@code fragment}: the command's answer to something typed. */
		void awaitErr(String fragment) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!err().contains(fragment)) {
				if (System.nanoTime() > deadline || exit.isDone()) {
					throw new AssertionError("stderr never said '" + fragment + "': " + err());
				}
				Thread.sleep(10); // a poll of the captured output, not a guess at how long the command takes
			}
		}
	}
}
