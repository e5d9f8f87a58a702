package dev.amk.mcp;

import dev.amk.broker.BrokerFile;
import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference MCP server, {@code @modelcontextprotocol/server-everything} (npm, in {@code src/test/node/mcp}, installed by
 * scripts/test.sh with {@code npm ci}), over stdio under {@code amk mcp run} in its own JVM, driven with raw JSON-RPC lines:
 * initialize, tools/list and an echo of non-ASCII text answer with exactly the bytes the same server writes when run
 * directly, and its own {@code get-env} tool shows an environment with placeholders and the proxy, never the real secret.
 */
class ServerEverythingTest {
	static final Path SERVER = McpSdkTest.NODE_DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
	private static final String SECRET = "sk-real-openai-secret-for-everything-0001";
	private static final String ECHOED = "héllo ✓ 𝄞 \\\"quoted\\\"";

	@TempDir
	Path home;
	@TempDir
	Path work;
	BrokerFixture broker;

	@BeforeEach
	void start() {
		boolean installed = Files.isRegularFile(SERVER);
		if (!installed && "1".equals(System.getenv("AMK_REQUIRE_MCP_SDK"))) {
			throw new AssertionError("server-everything is not installed: run npm ci --prefix " + McpSdkTest.NODE_DIR);
		}
		Assumptions.assumeTrue(installed, "server-everything is not installed (npm ci --prefix src/test/node/mcp)");
		broker = BrokerFixture.start(home, settings -> settings);
		BrokerFile.write(home, broker.port());
		assertEquals(0, broker.cli("ca", "bundle").exit());
		BrokerFixture.CliResult added = broker.cliWithStdin(SECRET + "\n", "connection", "add", "openai", "--provider", "openai");
		assertEquals(0, added.exit(), added.err());
		broker.createAgent("coder", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	/** A stdio server process, its stdout split into lines as they come (bytes kept as sent, newline included). */
	private static final class Stdio implements AutoCloseable {
		final Process process;
		final OutputStream in;
		final BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();

		Stdio(ProcessBuilder pb) throws IOException {
			process = pb.start();
			in = process.getOutputStream();
			Thread.ofVirtual().start(() -> {
				try (InputStream out = process.getInputStream()) {
					ByteArrayOutputStream line = new ByteArrayOutputStream();
					for (int b; (b = out.read()) != -1; ) {
						line.write(b);
						if (b == '\n') {
							lines.add(line.toByteArray());
							line.reset();
						}
					}
				} catch (IOException ignored) {
					// the process ended
				}
			});
		}

		void send(String json) throws IOException {
			in.write((json + "\n").getBytes(StandardCharsets.UTF_8));
			in.flush();
		}

		/** The raw line answering {@code id}; notifications and other lines in between are skipped. */
		byte[] answer(int id) throws InterruptedException {
			while (true) {
				byte[] line = lines.poll(60, TimeUnit.SECONDS);
				assertNotNull(line, "no answer to request " + id);
				Object message = Json.read(new String(line, StandardCharsets.UTF_8));
				if (message instanceof Map<?, ?> m && m.get("id") instanceof Number n && n.intValue() == id) {
					return line;
				}
			}
		}

		@Override
		public void close() throws Exception {
			in.close(); // the server's stdin ends: it exits
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("the server did not end when its stdin did");
			}
		}
	}

	/** initialize, initialized, tools/list and an echo: the answers' bytes, in order. */
	private static List<byte[]> converse(Stdio server) throws Exception {
		List<byte[]> answers = new ArrayList<>();
		server.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
				+ "\"clientInfo\":{\"name\":\"amk-test\",\"version\":\"1\"}}}");
		answers.add(server.answer(1));
		server.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
		server.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
		answers.add(server.answer(2));
		server.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + ECHOED + "\"}}}");
		answers.add(server.answer(3));
		return answers;
	}

	private ProcessBuilder node(List<String> prefix) {
		List<String> cmd = new ArrayList<>(prefix);
		cmd.addAll(List.of("node", SERVER.toAbsolutePath().toString(), "stdio"));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve(prefix.isEmpty() ? "direct.err" : "amk.err").toFile());
		pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		pb.environment().put("AMK_HOME", home.toString());
		pb.environment().put("OPENAI_API_KEY", SECRET); // a raw key in the parent, as in a client's config today: it must not pass
		return pb;
	}

	@Test
	@DisplayName("server-everything under amk mcp run: initialize, tools/list, echo byte for byte as when run directly; no real secret in its environment")
	@SuppressWarnings("unchecked")
	void throughAmkMcpRun() throws Exception {
		List<byte[]> direct;
		try (Stdio server = new Stdio(node(List.of()))) {
			direct = converse(server);
		}
		List<String> amk = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
				"-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main", "mcp", "run", "coder", "--");
		Stdio wrapped = new Stdio(node(amk));
		List<byte[]> through = converse(wrapped);
		for (int i = 0; i < direct.size(); i++) {
			assertArrayEquals(direct.get(i), through.get(i), "answer " + (i + 1) + " differs from the server's own bytes");
		}
		Map<String, Object> tools = (Map<String, Object>) Json.readObject(new String(through.get(1), StandardCharsets.UTF_8)).get("result");
		List<String> names = ((List<Map<String, Object>>) tools.get("tools")).stream().map(t -> (String) t.get("name")).toList();
		assertTrue(names.containsAll(List.of("echo", "get-env")), names.toString());
		String echo = new String(through.get(2), StandardCharsets.UTF_8);
		assertTrue(echo.contains("Echo: héllo ✓ 𝄞 \\\"quoted\\\""), echo);

		wrapped.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"get-env\",\"arguments\":{}}}");
		String envAnswer = new String(wrapped.answer(4), StandardCharsets.UTF_8);
		Map<String, Object> result = (Map<String, Object>) Json.readObject(envAnswer).get("result");
		Map<String, Object> env = Json.readObject((String) ((List<Map<String, Object>>) result.get("content")).getFirst().get("text"));
		assertFalse(envAnswer.contains(SECRET), "the real secret is nowhere in the server's environment");
		assertNotNull(env.get("OPENAI_API_KEY"), "the server gets a placeholder where the key was");
		assertNotEquals(SECRET, env.get("OPENAI_API_KEY"));
		assertTrue(String.valueOf(env.get("HTTPS_PROXY")).contains("127.0.0.1:" + broker.port()), "its HTTPS goes through the broker: " + env.get("HTTPS_PROXY"));
		wrapped.close();
		assertEquals(0, wrapped.process.exitValue(), Files.readString(work.resolve("amk.err")));
	}
}
