package dev.amk.cli;

import dev.amk.broker.BrokerFile;
import dev.amk.common.Json;
import dev.amk.doctor.FixtureHome;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.BrokerFixture;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk doctor} on a fixture home, in-process, as the contract describes it. */
class DoctorCommandTest {
	@TempDir
	Path root;

	record Run(int exit, String out, String err) {
		Map<String, Object> json() {
			return Json.readObject(out);
		}
	}

	private Run doctor(FixtureHome fx, Path dataDir, SecretStore keychain, String stdin, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		Map<String, String> env = new HashMap<>(Map.of("HOME", fx.home.toString(), "AMK_HOME", dataDir.toString()));
		String[] all = Stream.concat(Stream.of("doctor"), Stream.of(args)).toArray(String[]::new);
		int exit = Cli.run(all, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, new PrintWriter(out, true),
				new PrintWriter(err, true), Clock.systemUTC(), () -> keychain);
		return new Run(exit, out.toString(), err.toString());
	}

	private static void assertNoSecret(FixtureHome fx, String... outputs) {
		for (String text : outputs) {
			for (String secret : List.of(fx.openai, fx.anthropic, fx.oldAnthropic, fx.github, fx.gho, fx.notion, fx.gemini, fx.awsSecret,
					fx.stripe, fx.npm, fx.generic, fx.dockerAuth, fx.agentKey)) {
				assertFalse(text.contains(secret.substring(secret.length() - 12)), "a secret's characters appear in the output");
			}
		}
	}

	@Nested
	class Scan {
		@Test
		@DisplayName("the table groups places by secret, shows previews only, and exits 1")
		void table() {
			FixtureHome fx = new FixtureHome(root);
			Run r = doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", fx.project.toString());
			assertEquals(1, r.exit(), r.err());
			assertTrue(r.out().startsWith("Found 13 raw key(s) in 11 file(s)"), r.out());
			assertTrue(r.out().contains("FINGERPRINT"), r.out());
			assertTrue(r.out().contains("~/.zshrc:3"), r.out());
			assertTrue(r.out().contains("MCP server 'research', OPENAI_API_KEY"), r.out());
			assertTrue(r.out().contains("amk doctor --fix"), r.out());
			assertNoSecret(fx, r.out(), r.err());
		}

		@Test
		@DisplayName("--json: findings with the contract's fields and a summary; the same secret has one fingerprint")
		@SuppressWarnings("unchecked")
		void json() {
			FixtureHome fx = new FixtureHome(root);
			Run r = doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", fx.project.toString(), "--json");
			assertEquals(1, r.exit(), r.err());
			List<Map<String, Object>> findings = (List<Map<String, Object>>) r.json().get("findings");
			for (Map<String, Object> f : findings) {
				assertTrue(f.keySet().containsAll(List.of("file", "line", "kind", "provider", "fingerprint", "preview")), f.toString());
			}
			List<Map<String, Object>> openai = findings.stream().filter(f -> f.get("file").toString().endsWith(".zshrc") && f.get("line").equals(3)
					|| f.get("file").toString().endsWith("shop/.env") && f.get("line").equals(1)).toList();
			assertEquals(2, openai.size());
			assertEquals(openai.get(0).get("fingerprint"), openai.get(1).get("fingerprint"));
			Map<String, Object> summary = (Map<String, Object>) r.json().get("summary");
			assertEquals(13, summary.get("secrets"));
			assertNoSecret(fx, r.out(), r.err());
		}

		@Test
		@DisplayName("nothing found: exit 0")
		void clean() throws IOException {
			Path home = Files.createDirectories(root.resolve("clean"));
			Files.writeString(home.resolve(".bashrc"), "export EDITOR=vim\n");
			FixtureHome fx = new FixtureHome(root.resolve("unused"));
			StringWriter out = new StringWriter();
			int exit = Cli.run(new String[] {"doctor"}, Map.of("HOME", home.toString(), "AMK_HOME", root.resolve("data").toString()),
					new ByteArrayInputStream(new byte[0]), false, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
					Clock.systemUTC(), () -> {
						throw new AssertionError("a scan never opens the keychain");
					});
			assertEquals(0, exit);
			assertEquals("No raw keys found in 1 files.", out.toString().strip());
			assertNotNull(fx);
		}

		@Test
		@DisplayName("usage errors exit 2: --yes without --fix, a PATH that does not exist, --undo with --fix")
		void usage() {
			FixtureHome fx = new FixtureHome(root);
			assertEquals(Cli.EXIT_USAGE, doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", "--yes").exit());
			assertEquals(Cli.EXIT_USAGE, doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", root.resolve("nowhere").toString()).exit());
			assertEquals(Cli.EXIT_USAGE, doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", "--undo", "--fix").exit());
			assertEquals(Cli.EXIT_USAGE, doctor(fx, root.resolve("data"), new InMemorySecretStore(), "", "--frobnicate").exit());
		}
	}

	@Nested
	class Fix {
		BrokerFixture broker;
		MockWebServer openaiUpstream;
		MockWebServer anthropicUpstream;

		@AfterEach
		void stop() throws IOException {
			if (broker != null) {
				broker.close();
			}
			if (openaiUpstream != null) {
				openaiUpstream.close();
				anthropicUpstream.close();
			}
		}

		private static MockWebServer upstream(int status) throws IOException {
			MockWebServer server = new MockWebServer();
			server.setDispatcher(new Dispatcher() {
				@Override
				public MockResponse dispatch(RecordedRequest request) {
					return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body("{\"data\": []}").build();
				}
			});
			server.start();
			return server;
		}

		private static String read(Path p) throws IOException {
			return Files.readString(p);
		}

		private static Map<Path, byte[]> snapshot(FixtureHome fx, String... files) throws IOException {
			Map<Path, byte[]> bytes = new HashMap<>();
			for (String f : files) {
				bytes.put(fx.file(f), Files.readAllBytes(fx.file(f)));
			}
			return bytes;
		}

		@Test
		@DisplayName("--fix --yes with the broker running: reuses the connection holding the key, rewrites each consumer, checks it through"
				+ " the broker, leaves a failing one unchanged; --undo restores every file byte for byte")
		void fixThroughBrokerAndUndo() throws Exception {
			FixtureHome fx = new FixtureHome(root);
			Path data = Files.createDirectories(root.resolve("data"));
			broker = BrokerFixture.start(data);
			openaiUpstream = upstream(200);
			anthropicUpstream = upstream(401); // the Codex entry's key is refused: its file must stay as it is
			broker.addConnection("openai", "openai", openaiUpstream.url("/").toString().replaceAll("/$", ""), fx.openai);
			broker.addConnection("claude", "anthropic", anthropicUpstream.url("/").toString().replaceAll("/$", ""), fx.anthropic);
			BrokerFile.write(data, broker.port());
			Map<Path, byte[]> before = snapshot(fx, ".zshrc", ".config/Claude/claude_desktop_config.json", "code/shop/.env", ".codex/config.toml",
					".aws/credentials");

			Run r = doctor(fx, data, broker.secrets, "", fx.project.toString(), "--fix", "--yes");
			assertEquals(1, r.exit(), "the Codex file's check failed: " + r.out() + r.err());
			assertNoSecret(fx, r.out(), r.err());
			assertTrue(r.out().contains("Rewrote ~/.zshrc"), r.out());
			assertTrue(r.out().contains("checked: 200 from OpenAI through the broker"), r.out());
			assertTrue(r.out().contains("Did not change ~/.codex/config.toml"), r.out());
			assertTrue(r.out().contains("https://platform.openai.com/api-keys, then: amk connection set-secret openai"), r.out());
			assertTrue(r.out().contains("AWS SDKs sign each request"), r.out());

			// The Codex file is untouched, and its agent is gone again.
			assertArrayEquals(before.get(fx.file(".codex/config.toml")), Files.readAllBytes(fx.file(".codex/config.toml")));
			List<?> agentNames = ((List<?>) Json.read(broker.cli("agent", "list", "--json").out())).stream()
					.map(a -> ((Map<?, ?>) a).get("name")).toList();
			assertFalse(agentNames.contains("codex-claude"), agentNames.toString());
			assertEquals(List.of("claude", "openai"), ((List<?>) Json.read(broker.cli("connection", "list", "--json").out())).stream()
					.map(c -> ((Map<?, ?>) c).get("name")).sorted().toList(), "the existing connection was reused, none added");

			// The symlinked .zshrc: its target was rewritten, the link kept; everything else in it is the same.
			assertTrue(Files.isSymbolicLink(fx.file(".zshrc")));
			String zshrc = read(fx.file(".zshrc"));
			String port = String.valueOf(broker.port());
			assertTrue(zshrc.contains("export OPENAI_BASE_URL=\"http://127.0.0.1:" + port + "/openai/v1\"\nexport OPENAI_API_KEY=\"amk_"), zshrc);
			assertEquals(new String(before.get(fx.file(".zshrc"))).replaceAll("export OPENAI_API_KEY=\"[^\"]+\"\n", ""),
					zshrc.replaceAll("export OPENAI_(BASE_URL|API_KEY)=\"[^\"]+\"\n", ""), "every other line is kept");

			// Each rewritten consumer's key works through the broker, and the upstream gets the real key.
			String desktop = read(fx.file(".config/Claude/claude_desktop_config.json"));
			dev.amk.common.Json.readObject(desktop);
			for (String text : List.of(zshrc, desktop, read(fx.project.resolve(".env")))) {
				Matcher key = Pattern.compile("amk_[A-Za-z0-9]{49}").matcher(text);
				assertTrue(key.find(), text);
				HttpResponse<String> call = broker.send(HttpRequest.newBuilder(broker.url("/openai/v1/models"))
						.header("Authorization", "Bearer " + key.group()).GET().build());
				assertEquals(200, call.statusCode(), call.body());
			}
			while (openaiUpstream.getRequestCount() > 0) {
				RecordedRequest seen = openaiUpstream.takeRequest(1, TimeUnit.SECONDS);
				if (seen == null) {
					break;
				}
				assertEquals("Bearer " + fx.openai, seen.getHeaders().get("Authorization"));
			}

			// Backups beside each file hold the old bytes; the undo record holds no secret.
			try (Stream<Path> siblings = Files.list(fx.home.resolve("dotfiles"))) {
				Path backup = siblings.filter(p -> p.getFileName().toString().startsWith("zshrc.amk-backup-")).findFirst().orElseThrow();
				assertArrayEquals(before.get(fx.file(".zshrc")), Files.readAllBytes(backup));
			}
			String manifest = Files.readString(data.resolve("doctor/last-fix.json"));
			assertFalse(manifest.contains("amk_"), manifest);
			assertNoSecret(fx, manifest);

			// A new scan sees no raw key where the fix moved them.
			Run again = doctor(fx, data, broker.secrets, "", fx.project.toString(), "--json");
			List<?> findings = (List<?>) again.json().get("findings");
			assertTrue(findings.stream().anyMatch(f -> "agent_key".equals(((Map<?, ?>) f).get("kind"))));
			assertTrue(findings.stream().noneMatch(f -> dev.amk.doctor.Fingerprints.of(fx.openai).equals(((Map<?, ?>) f).get("fingerprint"))),
					"the OpenAI key is in no file any more");

			Run undo = doctor(fx, data, broker.secrets, "", "--undo");
			assertEquals(0, undo.exit(), undo.out() + undo.err());
			for (Map.Entry<Path, byte[]> e : before.entrySet()) {
				assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey() + " restored byte for byte");
			}
			assertTrue(undo.out().contains("Deleted the agents the fix made"), undo.out());
			assertEquals(1, doctor(fx, data, broker.secrets, "", "--undo").exit(), "nothing left to undo");
		}

		@Test
		@DisplayName("--fix without a broker asks per file, makes the connection, and says the result was not checked")
		void askPerFile() throws Exception {
			FixtureHome fx = new FixtureHome(root);
			Path data = Files.createDirectories(root.resolve("data"));
			InMemorySecretStore keychain = new InMemorySecretStore();
			byte[] desktopBefore = Files.readAllBytes(fx.file(".config/Claude/claude_desktop_config.json"));
			// Plan order: Codex (anthropic), Claude Desktop, then .zshrc: yes, no, yes.
			Run r = doctor(fx, data, keychain, "y\nn\ny\n", "--fix");
			assertEquals(0, r.exit(), r.out() + r.err());
			assertTrue(r.out().contains("Rewrite ~/.codex/config.toml? [y/N]"), r.out());
			assertTrue(r.out().contains("Skipped ~/.config/Claude/claude_desktop_config.json"), r.out());
			assertTrue(r.out().contains("not checked through the broker"), r.out());
			assertArrayEquals(desktopBefore, Files.readAllBytes(fx.file(".config/Claude/claude_desktop_config.json")));
			String codex = read(fx.file(".codex/config.toml"));
			new com.fasterxml.jackson.dataformat.toml.TomlMapper().readTree(codex);
			assertTrue(codex.contains("\"ANTHROPIC_BASE_URL\" = \"http://127.0.0.1:"), codex);
			assertTrue(r.out().contains("New connections (keys now in the keychain): anthropic, openai"), r.out());
			assertNoSecret(fx, r.out(), r.err());
		}
	
		@Test
		@DisplayName("--fix --yes --json: each file's status and changes, what was left and why, what to rotate; prompts stay off stdout")
		@SuppressWarnings("unchecked")
		void fixJson() throws Exception {
			FixtureHome fx = new FixtureHome(root);
			Path data = Files.createDirectories(root.resolve("data"));
			InMemorySecretStore keychain = new InMemorySecretStore();
			Run r = doctor(fx, data, keychain, "", "--fix", "--yes", "--json");
			assertEquals(0, r.exit(), r.err());
			Map<String, Object> json = r.json();
			List<Map<String, Object>> files = (List<Map<String, Object>>) json.get("files");
			assertEquals(List.of("written", "written", "written"), files.stream().map(f -> f.get("status")).toList());
			Map<String, Object> change = ((List<Map<String, Object>>) files.get(2).get("changes")).getFirst();
			assertEquals("OPENAI_API_KEY", change.get("variable"));
			assertEquals("zshrc", change.get("agent"));
			assertEquals("OPENAI_BASE_URL", change.get("base_variable"));
			assertTrue(((List<Map<String, Object>>) json.get("left")).stream().allMatch(l -> l.get("reason") instanceof String));
			assertTrue(((List<Map<String, Object>>) json.get("rotate")).stream()
					.anyMatch(x -> "openai".equals(x.get("connection")) && "https://platform.openai.com/api-keys".equals(x.get("link"))));
			assertEquals(List.of("anthropic", "openai"), json.get("connections_created"));
			assertTrue(r.err().contains("~/.zshrc"), "the plan goes to stderr with --json");
			assertNoSecret(fx, r.out(), r.err());
		}
	}
}
