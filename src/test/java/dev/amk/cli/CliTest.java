package dev.amk.cli;

import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionRepository;
import dev.amk.db.Database;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract's command line, run in-process against a real data folder and the broker fixture's in-memory keychain. */
class CliTest {
	@TempDir
	Path home;

	BrokerFixture broker;
	SecretStore keychain;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		keychain = broker.secrets;
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	private String storedSecret(String connection) {
		Connection c = Database.openRegistry(home).read(db -> new ConnectionRepository().byName(db, connection)).orElseThrow();
		return keychain.get(c.secretRef());
	}

	@Nested
	class Secrets {
		@ParameterizedTest(name = "stdin {0} stores {1}")
		@CsvSource(delimiter = '|', value = {
				"sk-abc\\n|sk-abc",
				"sk-abc\\r\\n|sk-abc",
				"sk-abc|sk-abc",
				"'  sk-with-spaces  \\n'|'  sk-with-spaces  '",
		})
		@DisplayName("a secret read from stdin loses one trailing newline, nothing else")
		void trailingNewline(String stdin, String stored) {
			String input = stdin.replace("\\r", "\r").replace("\\n", "\n");
			BrokerFixture.CliResult r = broker.cliWithStdin(input, "connection", "add", "openai", "--provider", "openai");
			assertEquals(0, r.exit(), r.err());
			assertEquals(stored, storedSecret("openai"));
		}

		@Test
		@DisplayName("a secret with an inner line break or an empty one is refused, and nothing is stored")
		void refusedSecrets() {
			BrokerFixture.CliResult twoLines = broker.cliWithStdin("sk-a\nsk-b\n", "connection", "add", "openai", "--provider", "openai");
			BrokerFixture.CliResult empty = broker.cliWithStdin("\n", "connection", "add", "openai", "--provider", "openai");
			assertEquals(1, twoLines.exit());
			assertTrue(twoLines.err().contains("line break"), twoLines.err());
			assertEquals(1, empty.exit());
			assertTrue(empty.err().contains("empty"), empty.err());
			BrokerFixture.CliResult nonAscii = broker.cliWithStdin("sk-ключ\n", "connection", "add", "openai", "--provider", "openai");
			assertEquals(1, nonAscii.exit());
			assertTrue(nonAscii.err().contains("cannot be sent in an HTTP header"), nonAscii.err());
			assertEquals("[ ]", broker.cli("connection", "list", "--json").out().strip());
		}

		@Test
		@DisplayName("there is no way to pass a secret in argv")
		void noSecretOption() {
			BrokerFixture.CliResult r = broker.cli("connection", "add", "openai", "--provider", "openai", "--secret", "sk-in-argv");
			assertEquals(Cli.EXIT_USAGE, r.exit());
			assertTrue(r.err().contains("Unknown option"), r.err());
		}

		@Test
		@DisplayName("set-secret replaces the keychain item and the running broker uses the new secret")
		void setSecret() {
			broker.cliWithStdin("sk-old\n", "connection", "add", "openai", "--provider", "openai");
			String before = Database.openRegistry(home).read(db -> new ConnectionRepository().byName(db, "openai")).orElseThrow().secretRef();
			BrokerFixture.CliResult r = broker.cliWithStdin("sk-new\n", "connection", "set-secret", "openai");
			assertEquals(0, r.exit(), r.err());
			assertEquals("sk-new", storedSecret("openai"));
			assertEquals("secret_missing", org.junit.jupiter.api.Assertions.assertThrows(dev.amk.common.AmkException.class,
					() -> keychain.get(before)).type(), "the old keychain item is deleted");
		}
	}

	@Nested
	class Json_ {
		@Test
		@DisplayName("every listing has a --json form that parses")
		void jsonEverywhere() {
			broker.cliWithStdin("sk-x\n", "connection", "add", "gh", "--provider", "github", "--json");
			BrokerFixture.CliResult created = broker.cli("agent", "create", "bot", "--grant", "gh:read", "--expires", "24h", "--json");
			assertEquals(0, created.exit(), created.err());
			Map<String, Object> agent = created.json();
			assertEquals("bot", agent.get("name"));
			assertTrue(((String) agent.get("key")).startsWith("amk_"));
			assertEquals("active", agent.get("status"));

			List<?> connections = (List<?>) Json.read(broker.cli("connection", "list", "--json").out());
			List<?> agents = (List<?>) Json.read(broker.cli("agent", "list", "--json").out());
			List<?> audit = (List<?>) Json.read(broker.cli("audit", "--json").out());
			assertEquals(1, connections.size());
			assertEquals(List.of("bot"), ((Map<?, ?>) connections.getFirst()).get("agents"));
			assertEquals(1, agents.size());
			assertEquals("read", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) agents.getFirst()).get("grants")).getFirst()).get("preset"));
			assertTrue(audit.isEmpty());
		}

		@Test
		@DisplayName("the key is shown once: listings never contain it")
		void keyShownOnce() {
			broker.cliWithStdin("sk-x\n", "connection", "add", "gh", "--provider", "github");
			String key = (String) broker.cli("agent", "create", "bot", "--grant", "gh", "--json").json().get("key");
			assertFalse(broker.cli("agent", "list").out().contains(key));
			assertFalse(broker.cli("agent", "list", "--json").out().contains(key));
			assertTrue(broker.cli("agent", "list").out().contains(key.substring(0, 10)), "a recognisable prefix is shown");
		}
	}

	@Nested
	class Errors {
		@Test
		@DisplayName("errors go to stderr with a non-zero status and say what to do; --json makes them JSON")
		void errors() {
			BrokerFixture.CliResult plain = broker.cli("agent", "revoke", "ghost");
			BrokerFixture.CliResult json = broker.cli("agent", "revoke", "ghost", "--json");
			assertEquals(1, plain.exit());
			assertEquals("", plain.out());
			assertTrue(plain.err().contains("No agent named 'ghost'") && plain.err().contains("amk agent list"), plain.err());
			assertEquals(1, json.exit());
			assertEquals("not_found", ((Map<?, ?>) Json.readObject(json.err()).get("error")).get("type"));
		}

		@Test
		@DisplayName("mistakes are caught with a clear message before anything changes")
		void validation() {
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "x", "--provider", "custom").err().contains("--base-url"));
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "x", "--provider", "custom", "--base-url", "https://api.example.com")
					.err().contains("--header"));
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "x", "--provider", "custom", "--base-url", "http://api.example.com",
					"--header", "X-Key").err().contains("plain http"));
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "x", "--provider", "nope").err().contains("openai, anthropic"));
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "g", "--provider", "google").err()
					.contains("amk connection connect g --provider google --client-id ID"), "Google only takes OAuth tokens");
			assertTrue(broker.cliWithStdin("s\n", "connection", "add", "bad/name", "--provider", "openai").err().contains("not a usable"));
			assertTrue(broker.cli("agent", "create", "bot", "--grant", "missing").err().contains("No connection named 'missing'"));
			broker.cliWithStdin("s\n", "connection", "add", "gh", "--provider", "github");
			assertTrue(broker.cli("agent", "create", "bot", "--grant", "gh:FETCH").err().contains("not a preset or HTTP method"));
			assertTrue(broker.cli("agent", "create", "bot", "--grant", "gh", "--expires", "soon").err().contains("not a duration"));
			assertEquals(0, broker.cli("agent", "create", "bot", "--grant", "gh").exit());
			BrokerFixture.CliResult dup = broker.cli("agent", "create", "bot", "--grant", "gh");
			assertEquals(1, dup.exit());
			assertTrue(dup.err().contains("already exists"), dup.err());
			assertEquals(1, ((List<?>) Json.read(broker.cli("agent", "list", "--json").out())).size());
		}

		@Test
		@DisplayName("an unknown command is a usage error (exit 2) with a pointer to help")
		void usage() {
			BrokerFixture.CliResult r = broker.cli("agnet", "list");
			assertEquals(Cli.EXIT_USAGE, r.exit());
			assertTrue(r.err().contains("--help"), r.err());
		}
	}

	@Test
	@DisplayName("removing a connection says which agents lost access, drops their grants and deletes the keychain item")
	void removeConnection() {
		broker.cliWithStdin("sk-x\n", "connection", "add", "gh", "--provider", "github");
		broker.cli("agent", "create", "a", "--grant", "gh");
		broker.cli("agent", "create", "b", "--grant", "gh:read");
		String ref = Database.openRegistry(home).read(db -> new ConnectionRepository().byName(db, "gh")).orElseThrow().secretRef();

		BrokerFixture.CliResult r = broker.cli("connection", "remove", "gh");

		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().contains("a, b"), r.out());
		assertTrue(broker.cli("agent", "list").out().contains("nothing"), "the agents now reach nothing");
		assertEquals("secret_missing", org.junit.jupiter.api.Assertions.assertThrows(dev.amk.common.AmkException.class,
				() -> keychain.get(ref)).type());
	}

	@Test
	@DisplayName("audit --follow --json prints one JSON object per line as rows arrive; --limit N shows the last N first")
	void followAudit() throws Exception {
		broker.get("/openai/v1/models", "Authorization", "Bearer amk_not_a_key");
		org.testfx.util.WaitForAsyncUtils.waitFor(5, java.util.concurrent.TimeUnit.SECONDS, () -> broker.broker.auditStore().latestId() >= 1);
		java.io.PipedInputStream pipe = new java.io.PipedInputStream();
		java.io.PrintWriter out = new java.io.PrintWriter(new java.io.OutputStreamWriter(new java.io.PipedOutputStream(pipe),
				java.nio.charset.StandardCharsets.UTF_8), true);
		Thread follower = Thread.ofVirtual().start(() -> Cli.run(new String[] {"audit", "--follow", "--json", "--limit", "1"},
				Map.of("AMK_HOME", home.toString()), java.io.InputStream.nullInputStream(), false, out, new java.io.PrintWriter(java.io.Writer.nullWriter()),
				java.time.Clock.systemUTC(), () -> broker.secrets));
		java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(pipe, java.nio.charset.StandardCharsets.UTF_8));
		try {
			// The row logged before the follower started arrives first (--limit 1), so no row can slip between.
			Map<String, Object> first = Json.readObject(readLine(lines));
			broker.get("/github/user", "x-api-key", "amk_also_not_a_key");
			Map<String, Object> second = Json.readObject(readLine(lines));
			assertEquals("openai", first.get("connection"));
			assertEquals("invalid_key", first.get("reason"));
			assertEquals("/user", second.get("path"));
		} finally {
			follower.interrupt();
			follower.join(5000);
		}
		assertFalse(follower.isAlive(), "--follow stops when interrupted");
	}

	/** A line, or a failure after 10 s: a broken follower must fail the test, not hang the build. */
	private static String readLine(java.io.BufferedReader lines) throws Exception {
		return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
			try {
				return lines.readLine();
			} catch (java.io.IOException e) {
				throw new java.io.UncheckedIOException(e);
			}
		}).get(10, java.util.concurrent.TimeUnit.SECONDS);
	}

	@Test
	@DisplayName("agent create prints ready-to-paste setup for the granted providers")
	void setupLines() {
		broker.cliWithStdin("sk-x\n", "connection", "add", "openai", "--provider", "openai");
		broker.cliWithStdin("sk-y\n", "connection", "add", "claude", "--provider", "anthropic");
		BrokerFixture.CliResult r = broker.cli("agent", "create", "bot", "--grant", "openai", "--grant", "claude");
		assertTrue(r.out().contains("export OPENAI_BASE_URL=http://127.0.0.1:"), r.out());
		assertTrue(r.out().contains("/openai/v1"), r.out());
		assertTrue(r.out().contains("export ANTHROPIC_BASE_URL=http://127.0.0.1:"), r.out());
		assertNotEquals(-1, r.out().indexOf("shown only this once"));
	}
}
