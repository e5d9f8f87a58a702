package dev.amk.launcher;

import dev.amk.cli.Cli;
import dev.amk.common.Json;
import dev.amk.testing.NeedsKeychain;
import dev.amk.testing.TestKeychain;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk serve} as a real process, configured by the CLI as a user would: it proxies, shuts down cleanly
 * on SIGTERM with every audit row written, and afterwards no file in its data folder (databases, WAL files,
 * logs) and nothing it printed contains a real secret or a full agent key.
 *
 * <p>The one end-to-end run through the real OS keychain: the CLI here and the {@code serve} process share it
 * as they do in real life (a process cannot see a test's in-memory store, and {@code amk} deliberately has no
 * other place to keep secrets).
 */
@NeedsKeychain
class ServeProcessTest {
	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	final String service = TestKeychain.uniqueService();
	final String openAiSecret = "sk-proj-" + random(48);
	final String githubSecret = "ghp_" + random(36);
	final String querySecret = "qk-" + random(32);
	Process serve;
	final StringBuilder serveOutput = new StringBuilder();
	int port;

	@BeforeEach
	void startServe() throws Exception {
		// The upstream echoes what it was sent, as a careless API might, to prove the echo stays in the response.
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().code(request.getTarget().contains("missing") ? 404 : 200)
						.body("{\"path\":\"" + request.getUrl().encodedPath() + "\"}").build();
			}
		});
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main",
				"serve", "--port", "0", "--json"));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
		pb.environment().put("AMK_HOME", home.toString());
		pb.environment().put("AMK_KEYCHAIN_SERVICE", service);
		serve = pb.start();
		BufferedReader reader = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
		String ready = CompletableFuture.supplyAsync(() -> readUntilReady(reader)).get(60, TimeUnit.SECONDS);
		port = ((Number) Json.readObject(ready).get("port")).intValue();
		Thread.ofVirtual().start(() -> reader.lines().forEach(l -> {
			synchronized (serveOutput) {
				serveOutput.append(l).append('\n');
			}
		}));
	}

	private String readUntilReady(BufferedReader reader) {
		try {
			String line;
			while ((line = reader.readLine()) != null) {
				serveOutput.append(line).append('\n');
				if (line.contains("\"ready\"")) {
					return line;
				}
			}
			throw new AssertionError("serve exited before it was ready:\n" + serveOutput);
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	@AfterEach
	void stop() throws Exception {
		if (serve != null && serve.isAlive()) {
			serve.destroyForcibly();
		}
		cli("", "connection", "remove", "openai");
		cli("", "connection", "remove", "github");
		cli("", "connection", "remove", "search");
	}

	private Map.Entry<Integer, String> cli(String stdin, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int exit = Cli.run(args, Map.of("AMK_HOME", home.toString()), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false,
				new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), () -> TestKeychain.open(service));
		return Map.entry(exit, out + err.toString());
	}

	private HttpResponse<String> get(String path, String header, String value) throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header(header, value).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		}
	}

	/** Polls until the running broker serves the key: it learns about CLI changes by itself, within ~20 ms. */
	private HttpResponse<String> getOnceKnown(String path, String header, String value) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		HttpResponse<String> r;
		do {
			r = get(path, header, value);
		} while (r.statusCode() == 401 && r.body().contains("unknown_key") && System.nanoTime() < deadline);
		return r;
	}

	@Test
	@DisplayName("serve proxies, stops cleanly on SIGTERM with every audit row flushed, and leaves no secret or key behind")
	void serveAndScan() throws Exception {
		assertEquals(0, cli(openAiSecret + "\n", "connection", "add", "openai", "--provider", "openai", "--base-url", upstream.url("/v1").toString()).getKey());
		assertEquals(0, cli(githubSecret + "\r\n", "connection", "add", "github", "--provider", "github", "--base-url", upstream.url("/").toString()).getKey());
		assertEquals(0, cli(querySecret, "connection", "add", "search", "--provider", "custom", "--base-url", upstream.url("/").toString(),
				"--query-param", "api_key").getKey());
		var created = cli("", "agent", "create", "coder", "--grant", "openai", "--grant", "github:read", "--grant", "search", "--json");
		assertEquals(0, created.getKey(), created.getValue());
		@SuppressWarnings("unchecked")
		Map<String, Object> createdJson = Json.readObject(created.getValue());
		String key = (String) createdJson.get("key");
		assertTrue(created.getValue().contains("OPENAI_BASE_URL=http://127.0.0.1:" + port + "/openai/v1"), "setup uses the running broker's port");
		var rotated = cli("", "agent", "create", "old", "--grant", "openai", "--json");
		String oldKey = (String) Json.readObject(rotated.getValue()).get("key");
		cli("", "agent", "rotate", "old");

		int requests = 0;
		assertEquals(200, getOnceKnown("/openai/v1/models", "Authorization", "Bearer " + key).statusCode());
		requests++;
		assertEquals(200, get("/github/user", "Authorization", "token " + key).statusCode());
		requests++;
		assertEquals(200, get("/search/q?term=x&key=" + key, "Accept", "application/json").statusCode());
		requests++;
		assertEquals(401, get("/github/repos/a/b", "X-Unused", "1").statusCode(), "no key");
		HttpResponse<String> denied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
				+ "/github/repos/a/b")).header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
		assertEquals(403, denied.statusCode());
		requests += 2;
		assertEquals(401, get("/openai/v1/models", "Authorization", "Bearer " + oldKey).statusCode());
		requests++;
		assertEquals(404, get("/openai/v1/missing", "x-api-key", key).statusCode());
		requests++;

		// While running: the WAL files hold the freshest pages.
		assertNoSecretsUnder(home, List.of(openAiSecret, githubSecret, querySecret, key, oldKey));

		serve.destroy(); // SIGTERM
		assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
		assertTrue(serve.exitValue() == 143 || serve.exitValue() == 0, "exit status " + serve.exitValue() + ":\n" + serveOutput);

		var audit = cli("", "audit", "--json", "--limit", "1000");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.read(audit.getValue());
		long proxied = rows.stream().filter(r -> "coder".equals(r.get("agent")) || "old".equals(r.get("agent")) || r.get("agent") == null).count();
		assertTrue(proxied >= requests, "every request has its audit row after a clean stop: " + rows.size() + " rows for " + requests + " requests");
		assertFalse(Files.exists(home.resolve("broker.json")), "the runtime file is removed on stop");

		List<String> forbidden = List.of(openAiSecret, githubSecret, querySecret, key, oldKey, key.substring(4, 40), oldKey.substring(4, 40));
		assertNoSecretsUnder(home, forbidden);
		String printed;
		synchronized (serveOutput) {
			printed = serveOutput.toString();
		}
		for (String s : forbidden) {
			assertFalse(printed.contains(s), "serve printed a secret or key");
			assertFalse(audit.getValue().contains(s), "the audit output holds a secret or key");
		}
		assertTrue(Files.list(home.resolve("logs")).findAny().isPresent(), "serve writes a log file");
	}

	static void assertNoSecretsUnder(Path home, List<String> forbidden) throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(home)) {
			files = walk.filter(Files::isRegularFile).toList();
		}
		assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("amk.db")), "scanned the registry: " + files);
		for (Path f : files) {
			String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
			for (String s : forbidden) {
				assertFalse(content.contains(s), f.getFileName() + " contains a secret or an agent key");
			}
			assertFalse(content.matches("(?s).*amk_[0-9A-Za-z]{49}.*"), f.getFileName() + " contains a full agent key");
		}
	}

	private static String random(int n) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		SecureRandom r = new SecureRandom();
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < n; i++) {
			sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
		}
		return sb.toString();
	}
}
