package dev.amk.cli;

import dev.amk.broker.BrokerFile;
import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.GitSmartHttpServer;
import dev.amk.testing.Teardown;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk run} as a real process beside a running broker, with real tools inside it: curl, Python requests and httpx,
 * git (clone, fetch, push against {@code git http-backend}) and gh. Each tool gets only what {@code amk run} puts in its
 * environment. The upstreams are loopback servers that stand for api.openai.com, api.github.com and github.com through
 * {@code --host-map}, the way a person would point the broker at GitHub Enterprise.
 */
class RunCommandTest {
	private static final String OPENAI_SECRET = "sk-proj-REALOPENAI0123456789";
	private static final String GITHUB_SECRET = "ghp_REALGITHUB0123456789abcdefghijklmn";

	@TempDir
	Path home;
	@TempDir
	Path work;

	BrokerFixture broker;
	MockWebServer api;
	GitSmartHttpServer git;
	final BlockingQueue<RecordedRequest> apiSeen = new LinkedBlockingQueue<>();

	@BeforeEach
	void start() throws Exception {
		api = new MockWebServer();
		api.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				apiSeen.add(request);
				if (request.getTarget().startsWith("/user")) {
					return new MockResponse.Builder().addHeader("Content-Type", "application/json").body("{\"login\":\"octocat\",\"id\":1}").build();
				}
				return new MockResponse.Builder().addHeader("Content-Type", "application/json").body("{\"data\":[{\"id\":\"gpt-test\"}]}").build();
			}
		});
		api.start(InetAddress.getLoopbackAddress(), 0);
		Files.createDirectories(work.resolve("repos"));
		git = new GitSmartHttpServer(work.resolve("repos"));
		broker = BrokerFixture.start(home, settings -> settings);
		BrokerFile.write(home, broker.port()); // as serve and the app do: amk run finds the broker through it
		assertEquals(0, broker.cli("ca", "bundle").exit());
		String apiUrl = "http://127.0.0.1:" + api.getPort();
		addConnection("openai", "openai", OPENAI_SECRET, "--host-map", "api.openai.com=" + apiUrl);
		addConnection("github", "github", GITHUB_SECRET, "--host-map", "api.github.com=" + apiUrl, "--host-map", "github.com=" + git.url());
		broker.createAgent("coder", "openai", "github");
		broker.createAgent("reader", "github:read");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		git.close();
		api.close();
	}

	private void addConnection(String name, String provider, String secret, String... extra) {
		List<String> args = new ArrayList<>(List.of("connection", "add", name, "--provider", provider));
		args.addAll(List.of(extra));
		BrokerFixture.CliResult r = broker.cliWithStdin(secret + "\n", args.toArray(String[]::new));
		assertEquals(0, r.exit(), r.err());
	}

	record Run(int exit, String out, String err) {
	}

	/** {@code amk run ARGS} as its own JVM, with the test's environment plus a parent's raw key that must not reach the tool. */
	private Run amk(String... args) throws Exception {
		Process p = start(args);
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "amk run did not finish");
		return new Run(p.exitValue(), Files.readString(work.resolve("out")), Files.readString(work.resolve("err")));
	}

	private Process start(String... args) throws IOException {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main"));
		cmd.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
		Map<String, String> env = pb.environment();
		env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("GIT_"));
		env.put("AMK_HOME", home.toString());
		env.put("OPENAI_API_KEY", "sk-parent-RAWKEY-must-not-pass");
		env.put("GITHUB_TOKEN", "ghp_parentRAWTOKENmustnotpass0000000000");
		env.put("HOME", work.toString()); // no person's git or gh configuration
		env.put("GH_CONFIG_DIR", work.resolve("gh").toString());
		env.put("GH_NO_UPDATE_NOTIFIER", "1");
		env.put("GIT_TERMINAL_PROMPT", "0");
		env.put("GIT_CONFIG_NOSYSTEM", "1");
		env.put("GIT_AUTHOR_NAME", "Test");
		env.put("GIT_AUTHOR_EMAIL", "test@example.com");
		env.put("GIT_COMMITTER_NAME", "Test");
		env.put("GIT_COMMITTER_EMAIL", "test@example.com");
		return pb.start();
	}

	private static void requireTool(String tool) {
		Assumptions.assumeTrue(java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
				.anyMatch(dir -> Files.isExecutable(Path.of(dir, tool))), tool + " is not installed");
	}

	private List<String> runAgents() {
		return broker.broker.registry().reload().agents().stream().map(a -> a.agent().name()).filter(n -> n.contains(".run-")).toList();
	}

	@Test
	@DisplayName("the tool's environment: proxy, CA, git helper and SDK variables with the child key; the parent's raw keys gone")
	void environment() throws Exception {
		Run r = amk("run", "coder", "--", "env");
		assertEquals(0, r.exit(), r.err());
		Map<String, String> env = new HashMap<>();
		for (String line : r.out().split("\n")) {
			int eq = line.indexOf('=');
			if (eq > 0) {
				env.put(line.substring(0, eq), line.substring(eq + 1));
			}
		}
		String key = env.get("AMK_AGENT_KEY");
		assertNotNull(key);
		assertTrue(key.startsWith("amk_"));
		String child = env.get("AMK_AGENT");
		assertTrue(child.startsWith("coder.run-"), child);
		String proxy = "http://" + child + ":" + key + "@127.0.0.1:" + broker.port();
		for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
			assertEquals(proxy, env.get(name), name);
		}
		assertEquals("localhost,127.0.0.1,::1", env.get("NO_PROXY"));
		assertEquals("1", env.get("NODE_USE_ENV_PROXY"));
		assertEquals(home.resolve("ca").resolve("amk-ca.pem").toString(), env.get("NODE_EXTRA_CA_CERTS"));
		for (String name : List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "AWS_CA_BUNDLE")) {
			assertTrue(Files.isRegularFile(Path.of(env.get(name))), name);
		}
		assertEquals(key, env.get("OPENAI_API_KEY"));
		assertEquals(key, env.get("GH_TOKEN"));
		assertEquals(key, env.get("GITHUB_TOKEN"));
		assertTrue(env.get("OPENAI_BASE_URL").startsWith("http://127.0.0.1:" + broker.port() + "/openai"), env.get("OPENAI_BASE_URL"));
		assertEquals("3", env.get("GIT_CONFIG_COUNT"));
		assertEquals("credential.helper", env.get("GIT_CONFIG_KEY_1"));
		assertTrue(env.get("GIT_CONFIG_VALUE_1").startsWith("!f()"), "a shell helper, no JVM");
		assertFalse(r.out().contains("RAWKEY") || r.out().contains("RAWTOKEN") || r.out().contains(OPENAI_SECRET) || r.out().contains(GITHUB_SECRET),
				"nothing real in the tool's environment");
		assertEquals(List.of(), runAgents(), "the child key is deleted when the command ends");
	}

	@Test
	@DisplayName("the command's exit status is amk run's; a wider grant than the agent's is refused; so is a run without a broker")
	void exitStatusAndRefusals() throws Exception {
		assertEquals(7, amk("run", "coder", "--", "sh", "-c", "exit 7").exit());
		assertEquals(List.of(), runAgents());

		Run wide = amk("run", "reader", "--grant", "github", "--", "true");
		assertNotEquals(0, wide.exit());
		assertTrue(wide.err().contains("grant_too_wide") || wide.err().contains("holds only"), wide.err());
		Run other = amk("run", "reader", "--grant", "openai", "--", "true");
		assertNotEquals(0, other.exit());
		assertEquals(List.of(), runAgents());

		Files.delete(home.resolve("broker.json"));
		Run none = amk("run", "coder", "--", "true");
		assertNotEquals(0, none.exit());
		assertTrue(none.err().contains("amk serve") && none.err().contains("app"), none.err());
	}

	@Test
	@DisplayName("an AWS grant: placeholder keys and the CA bundle; the real keys nowhere")
	void awsVariables() throws Exception {
		BrokerFixture.CliResult added = broker.cliWithStdin("AKIAREALKEYID0000001\nrealSecretAccessKeyForTheRunTest0000000000\n",
				"connection", "add", "aws", "--provider", "aws", "--region", "eu-west-3");
		assertEquals(0, added.exit(), added.err());
		broker.createAgent("cloudy", "aws:read");
		Run r = amk("run", "cloudy", "--", "env");
		assertEquals(0, r.exit(), r.err());
		// The region comes from the connection's keychain item, which this test keeps in the broker's in-memory store, out of
		// the tool's process's reach: amk run then leaves AWS_REGION to the tool, as it must (never a guess).
		assertFalse(r.out().contains("\nAWS_REGION=") && !r.out().contains("\nAWS_REGION=eu-west-3\n"), r.out());
		assertTrue(r.out().contains("\nAWS_ACCESS_KEY_ID=AKIAAMKPLACEHOLDER00\n"), r.out());
		assertTrue(r.out().contains("\nAWS_CA_BUNDLE="), r.out());
		assertFalse(r.out().contains("AKIAREALKEYID") || r.out().contains("realSecretAccessKey"), "the real AWS keys never reach the tool");
	}

	@Test
	@DisplayName("curl inside amk run reaches intercepted api.openai.com with nothing but the variables amk run set")
	void curl() throws Exception {
		requireTool("curl");
		Run r = amk("run", "coder", "--", "curl", "-sS", "-H", "Authorization: Bearer placeholder", "https://api.openai.com/v1/models");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().contains("gpt-test"), r.out());
		RecordedRequest seen = apiSeen.poll(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + OPENAI_SECRET, seen.getHeaders().get("Authorization"));
		assertFalse(seen.getHeaders().toString().contains("amk_"));
		String audit = broker.cli("audit", "--json").out();
		assertTrue(audit.contains("coder.run-"), "audit rows name the agent and the run: " + audit);
	}

	@Test
	@DisplayName("Python requests and httpx, with only amk run's variables, reach the intercepted host")
	void python() throws Exception {
		Path python = Path.of("/usr/bin/python3");
		Assumptions.assumeTrue(Files.isExecutable(python), "Debian's python3 is not installed");
		String script = "import requests, httpx\n"
				+ "print(requests.get('https://api.openai.com/v1/models').json()['data'][0]['id'])\n"
				+ "print(httpx.get('https://api.openai.com/v1/models').json()['data'][0]['id'])\n";
		Run r = amk("run", "coder", "--", python.toString(), "-c", script);
		Assumptions.assumeFalse(r.err().contains("No module named"), "python3-requests or python3-httpx is not installed");
		assertEquals(0, r.exit(), r.err());
		assertEquals("gpt-test\ngpt-test\n", r.out());
		for (int i = 0; i < 2; i++) {
			assertEquals("Bearer " + OPENAI_SECRET, apiSeen.poll(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
		}
	}

	@Test
	@DisplayName("gh api user through amk run: gh's GH_TOKEN is the child key, api.github.com gets the real token")
	void gh() throws Exception {
		requireTool("gh");
		Run r = amk("run", "coder", "--", "gh", "api", "user");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().contains("octocat"), r.out());
		RecordedRequest seen = apiSeen.poll(5, TimeUnit.SECONDS);
		assertEquals("/user", seen.getTarget());
		assertEquals("Bearer " + GITHUB_SECRET, seen.getHeaders().get("Authorization"));
	}

	@Test
	@DisplayName("git over HTTPS: clone and fetch with a read grant, push refused with nothing written; with a full grant the push lands")
	void gitCloneFetchPush() throws Exception {
		requireTool("git");
		Path bare = work.resolve("repos").resolve("acme").resolve("repo.git");
		sh(work, "git", "init", "-q", "--bare", "-b", "main", bare.toString());
		sh(bare, "git", "config", "http.receivepack", "true");
		Path seed = work.resolve("seed");
		sh(work, "git", "init", "-q", "-b", "main", seed.toString());
		Files.writeString(seed.resolve("README"), "hello\n");
		sh(seed, "git", "add", "README");
		sh(seed, "git", "commit", "-q", "-m", "first");
		sh(seed, "git", "push", "-q", bare.toString(), "main");
		String first = sh(bare, "git", "rev-parse", "main");

		Path clone = work.resolve("clone");
		Run cloned = amk("run", "reader", "--", "git", "clone", "-q", "https://github.com/acme/repo.git", clone.toString());
		assertEquals(0, cloned.exit(), cloned.err());
		assertEquals("hello\n", Files.readString(clone.resolve("README")));
		Run fetched = amk("run", "reader", "--", "git", "-C", clone.toString(), "fetch", "-q", "origin");
		assertEquals(0, fetched.exit(), fetched.err());

		Files.writeString(clone.resolve("README"), "changed\n");
		sh(clone, "git", "commit", "-q", "-am", "second");
		Run refused = amk("run", "reader", "--", "git", "-C", clone.toString(), "push", "-q", "origin", "main");
		assertNotEquals(0, refused.exit(), refused.err());
		assertTrue(refused.err().contains("403"), refused.err());
		assertEquals(first, sh(bare, "git", "rev-parse", "main"), "nothing written by a refused push");
		assertTrue(git.seen.stream().noneMatch(s -> s.query() != null && s.query().contains("git-receive-pack")),
				"the push never reached the server: " + git.seen);

		Run pushed = amk("run", "coder", "--", "git", "-C", clone.toString(), "push", "-q", "origin", "main");
		assertEquals(0, pushed.exit(), pushed.err());
		assertEquals(sh(clone, "git", "rev-parse", "HEAD"), sh(bare, "git", "rev-parse", "main"));

		String basic = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + GITHUB_SECRET).getBytes(StandardCharsets.UTF_8));
		assertFalse(git.seen.isEmpty());
		for (GitSmartHttpServer.Seen s : git.seen) {
			assertEquals(basic, s.authorization(), "git over HTTPS gets Basic x-access-token:TOKEN: " + s);
		}
		String audit = broker.cli("audit", "--json").out();
		assertTrue(audit.contains("scope_denied") && audit.contains("reader.run-"), audit);
	}

	@Test
	@DisplayName("kill -9 of amk run: the key stops working within its lease")
	void killedRunKeyLapses() throws Exception {
		Path keyFile = work.resolve("key");
		Path pidFile = work.resolve("pid");
		Process run = start("run", "coder", "--lease", "3s", "--", "sh", "-c",
				"printf %s \"$AMK_AGENT_KEY\" > " + keyFile + ".tmp && mv " + keyFile + ".tmp " + keyFile + " && echo $$ > " + pidFile + " && exec sleep 60");
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!Files.exists(keyFile) && System.nanoTime() < deadline) {
				Thread.sleep(20); // polling with a deadline for the tool to start inside the new JVM
			}
			String key = Files.readString(keyFile);
			var ok = broker.get("/openai/v1/models", "Authorization", "Bearer " + key);
			assertEquals(200, ok.statusCode(), ok.body());

			run.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no finally
			assertTrue(run.waitFor(10, TimeUnit.SECONDS));
			long killed = System.nanoTime();
			int status;
			do {
				status = broker.get("/openai/v1/models", "Authorization", "Bearer " + key).statusCode();
				if (status == 200) {
					Thread.sleep(50);
				}
			} while (status == 200 && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(10));
			double seconds = (System.nanoTime() - killed) / 1e9;
			assertEquals(401, status);
			assertTrue(seconds <= 4.5, "the key worked " + seconds + " s after amk run died; its lease is 3 s");
			assertEquals("expired_key", BrokerFixture.errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + key)));
		} finally {
			if (Files.exists(pidFile)) {
				ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
			}
			run.destroyForcibly();
		}
	}

	private static String sh(Path dir, String... cmd) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
		pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
		pb.environment().put("HOME", dir.toString());
		pb.environment().put("GIT_AUTHOR_NAME", "Test");
		pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.com");
		pb.environment().put("GIT_COMMITTER_NAME", "Test");
		pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.com");
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
		return out;
	}

	@SuppressWarnings("unused")
	private static Object json(String s) {
		return Json.read(s);
	}
}
