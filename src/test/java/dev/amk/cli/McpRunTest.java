package dev.amk.cli;

import dev.amk.broker.BrokerFile;
import dev.amk.testing.BrokerFixture;
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

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk mcp run} as its own JVM, with a stdio MCP server (a small Python program speaking JSON-RPC on stdin and
 * stdout) that calls an HTTPS API through the proxy mode: stdio passes through byte for byte, the server's environment
 * holds no real secret, and the API sees the real key.
 */
class McpRunTest {
	private static final String SECRET = "sk-real-openai-secret-for-mcp-run-0001";
	private static final Path PYTHON = Path.of("/usr/bin/python3");
	/** Reads one request line, calls the API through HTTPS_PROXY with the placeholder key, answers with odd bytes around. */
	private static final String SERVER = """
			import json, os, sys, urllib.request
			request = json.loads(sys.stdin.buffer.readline())
			call = urllib.request.Request("https://api.openai.com/v1/models", headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]})
			body = urllib.request.urlopen(call).read().decode()
			answer = {"jsonrpc": "2.0", "id": request["id"], "result": {"upstream": json.loads(body), "env": sorted(os.environ.values())}}
			sys.stdout.buffer.write(json.dumps(answer).encode() + b"\\n\\xc3\\xa9\\r\\n\\x00end\\n")
			sys.stdout.flush()
			""";

	@TempDir
	Path home;
	@TempDir
	Path work;
	BrokerFixture broker;
	MockWebServer api;
	final BlockingQueue<RecordedRequest> apiSeen = new LinkedBlockingQueue<>();

	@BeforeEach
	void start() throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(PYTHON), "Debian's python3 is needed");
		api = new MockWebServer();
		api.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				apiSeen.add(request);
				return new MockResponse.Builder().addHeader("Content-Type", "application/json").body("{\"data\":[{\"id\":\"gpt-test\"}]}").build();
			}
		});
		api.start(InetAddress.getLoopbackAddress(), 0);
		broker = BrokerFixture.start(home, settings -> settings);
		BrokerFile.write(home, broker.port());
		assertEquals(0, broker.cli("ca", "bundle").exit());
		BrokerFixture.CliResult added = broker.cliWithStdin(SECRET + "\n", "connection", "add", "openai", "--provider", "openai", "--host-map",
				"api.openai.com=http://127.0.0.1:" + api.getPort());
		assertEquals(0, added.exit(), added.err());
		broker.createAgent("coder", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		if (api != null) {
			api.close();
		}
	}

	@Test
	@DisplayName("a stdio MCP server under amk mcp run: JSON-RPC byte for byte, its HTTPS through the broker, no real secret in its environment")
	void stdioServerThroughTheBroker() throws Exception {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main",
				"mcp", "run", "coder", "--", PYTHON.toString(), "-c", SERVER));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve("err").toFile());
		pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		pb.environment().put("AMK_HOME", home.toString());
		pb.environment().put("OPENAI_API_KEY", SECRET); // a raw key in the parent, as in a client's config today: it must not pass
		Process p = pb.start();
		byte[] request = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"models\"}}\n".getBytes(StandardCharsets.UTF_8);
		try (OutputStream in = p.getOutputStream()) {
			in.write(request);
		}
		byte[] out = readAll(p.getInputStream());
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), "amk mcp run did not end with its server");
		assertEquals(0, p.exitValue(), Files.readString(work.resolve("err")));

		String text = new String(out, StandardCharsets.UTF_8);
		int newline = text.indexOf('\n');
		byte[] tail = java.util.Arrays.copyOfRange(out, out.length - 9, out.length);
		assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9, '\r', '\n', 0, 'e', 'n', 'd', '\n'}, tail, "stdout passes byte for byte");
		Object answer = dev.amk.common.Json.read(text.substring(0, newline));
		assertTrue(answer.toString().contains("gpt-test"), "the server reached the API through the broker: " + answer);
		assertTrue(text.startsWith("{\"jsonrpc\": \"2.0\", \"id\": 7"), "nothing but the server's own output on stdout");
		assertFalse(text.contains(SECRET), "no real secret in the server's environment");

		RecordedRequest seen = apiSeen.poll(5, TimeUnit.SECONDS);
		assertNotNull(seen);
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"), "the API sees the real key, swapped in by the broker");
	}

	private static byte[] readAll(InputStream in) throws java.io.IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		in.transferTo(bytes);
		return bytes.toByteArray();
	}
}
