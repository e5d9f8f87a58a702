package dev.amk.mcp;

import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.StreamingCli;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official MCP TypeScript SDK on both sides of the broker ({@code src/test/node/mcp}, installed by scripts/test.sh with
 * {@code npm ci}): an SDK Streamable HTTP server behind the SDK's bearer auth with a loopback authorization server made
 * of the SDK's auth router, signed in to with {@code amk mcp add}; and the SDK client, holding only its {@code amk_} key,
 * connecting through the broker. The server's log shows what reached it.
 */
class McpSdkTest {
	static final Path NODE_DIR = Path.of("src/test/node/mcp");

	@TempDir
	Path home;
	BrokerFixture broker;
	Process server;
	final List<String> serverLog = new CopyOnWriteArrayList<>();
	String serverUrl;
	/** Where the log stood after the sign-in (whose discovery probe came, rightly, without a token). */
	int logAfterSignIn;

	@BeforeEach
	void start() throws Exception {
		boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules/@modelcontextprotocol/sdk"));
		if (!installed && "1".equals(System.getenv("AMK_REQUIRE_MCP_SDK"))) {
			throw new AssertionError("The MCP SDK is not installed: run npm ci --prefix " + NODE_DIR);
		}
		Assumptions.assumeTrue(installed, "the MCP SDK is not installed (npm ci --prefix src/test/node/mcp)");
		broker = BrokerFixture.start(home);
		server = new ProcessBuilder("node", "server.mjs").directory(NODE_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		BlockingQueue<String> first = new LinkedBlockingQueue<>();
		Thread.ofVirtual().start(() -> {
			try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = r.readLine()) != null; ) {
					serverLog.add(line);
					if (line.startsWith("LISTENING ")) {
						first.add(line);
					}
				}
			} catch (IOException ignored) {
				// the server was stopped
			}
		});
		String listening = first.poll(30, TimeUnit.SECONDS);
		assertNotNull(listening, "the SDK server did not start");
		serverUrl = "http://127.0.0.1:" + listening.substring("LISTENING ".length()) + "/mcp";
		StreamingCli add = new StreamingCli(broker, "mcp", "add", "sdk", "--url", serverUrl, "--no-browser");
		String url = add.lines.poll(30, TimeUnit.SECONDS);
		assertNotNull(url, add.err.toString());
		HttpResponse<String> page = broker.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
		assertEquals(302, page.statusCode(), page.body());
		broker.send(HttpRequest.newBuilder(URI.create(page.headers().firstValue("Location").orElseThrow())).GET().build());
		assertEquals(0, add.exit.get(30, TimeUnit.SECONDS), add.err.toString());
		broker.awaitRegistry(s -> s.connection("sdk") != null);
		logAfterSignIn = serverLog.size();
	}

	@AfterEach
	void stop() throws Exception {
		if (server != null) {
			server.getOutputStream().close(); // server.mjs exits when its stdin ends
			if (!server.waitFor(10, TimeUnit.SECONDS)) {
				server.destroyForcibly();
			}
		}
		Teardown.closeAll(broker);
	}

	private Map<String, Object> runClient(String url, String key) throws Exception {
		ProcessBuilder pb = new ProcessBuilder("node", "client.mjs").directory(NODE_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
		pb.environment().put("AMK_URL", url);
		pb.environment().put("AMK_KEY", key);
		Process client = pb.start();
		String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(client.waitFor(60, TimeUnit.SECONDS));
		assertEquals(0, client.exitValue(), out);
		return Json.readObject(out.strip());
	}

	@Test
	@DisplayName("the SDK client through the broker: filtered tools, a granted call, a denied call that never reaches the server, a streamed result")
	@SuppressWarnings("unchecked")
	void sdkClientThroughTheBroker() throws Exception {
		String key = broker.createAgent("bot", "sdk:tools=read_*,search");
		for (String url : List.of(broker.url("/sdk").toString(), broker.url("/sdk?json=1").toString())) {
			Map<String, Object> seen = runClient(url, key);
			assertEquals(List.of("read_page", "search", "read_report"), seen.get("tools"), url);
			assertEquals("contents of home", seen.get("read"));
			Map<String, Object> denied = (Map<String, Object>) seen.get("denied");
			assertEquals(-32001, ((Number) denied.get("code")).intValue(), url);
			assertEquals("tool_denied", ((Map<String, Object>) denied.get("data")).get("type"));
			assertEquals(200_000, ((Number) seen.get("reportLength")).intValue());
			List<Map<String, Object>> progress = (List<Map<String, Object>>) seen.get("progress");
			if (!url.contains("json=1")) {
				// Over SSE each progress event arrives as the server sends it, 150 ms apart: nothing held back until the end.
				assertEquals(5, progress.size(), url);
				long spread = ((Number) progress.getLast().get("at")).longValue() - ((Number) progress.getFirst().get("at")).longValue();
				assertTrue(spread >= 400, "progress arrived in a burst (" + spread + " ms): the stream was buffered");
			}
		}
		List<String> calls = serverLog.stream().filter(l -> l.startsWith("CALL ")).toList();
		assertEquals(List.of("CALL read_page", "CALL read_report", "CALL read_page", "CALL read_report"), calls);
		List<String> auth = serverLog.subList(logAfterSignIn, serverLog.size()).stream().filter(l -> l.startsWith("AUTH ")).toList();
		assertFalse(auth.isEmpty());
		assertTrue(auth.stream().allMatch(l -> l.startsWith("AUTH Bearer sdk-at-")), "the server sees only the broker's token: " + auth);
		assertFalse(String.join("\n", serverLog).contains("amk_"), "the agent key never reaches the server");
	}

	@Test
	@DisplayName("a JSON-RPC batch to the SDK server (protocol 2025-03-26, which has batches), element by element, JSON and SSE answers")
	void batch() throws Exception {
		String key = broker.createAgent("bot", "sdk:tools=read_*,search");
		for (String path : List.of("/sdk?json=1", "/sdk")) {
			HttpResponse<String> init = post(path, key, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
					+ "\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
			assertEquals(200, init.statusCode(), init.body());
			String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
			post(path, key, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
			HttpResponse<String> r = post(path, key, session, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
					+ "\"read_page\",\"arguments\":{\"page\":\"b\"}}},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
					+ "\"delete_page\",\"arguments\":{\"page\":\"b\"}}},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}]");
			assertEquals(200, r.statusCode(), r.body());
			assertTrue(r.body().contains("contents of b"), r.body());
			assertTrue(r.body().contains("-32001") && r.body().contains("tool_denied"), r.body());
			assertTrue(r.body().contains("\"search\"") && !r.body().contains("\"delete_page\",\"description\""), r.body());
		}
		assertFalse(serverLog.contains("CALL delete_page"), "the denied call never reached the server");
		assertEquals(2, serverLog.stream().filter("CALL read_page"::equals).count());
	}

	private HttpResponse<String> post(String path, String key, String session, String body) {
		HttpRequest.Builder b = HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(body));
		if (session != null) {
			b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-03-26");
		}
		return broker.send(b.build());
	}

	@Test
	@DisplayName("a full grant sees every tool, the look-alike name included; a tool grant never matches it")
	@SuppressWarnings("unchecked")
	void lookAlike() throws Exception {
		String full = broker.createAgent("admin", "sdk");
		Map<String, Object> seen = runClient(broker.url("/sdk").toString(), full);
		assertEquals(List.of("read_page", "search", "delete_page", "Read_page", "read_report"), seen.get("tools"));
		assertEquals("not denied", seen.get("denied"));
		assertTrue(serverLog.contains("CALL delete_page"));
	}
}
