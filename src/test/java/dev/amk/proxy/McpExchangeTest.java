package dev.amk.proxy;

import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MCP traffic through the real broker over real sockets, to a Java MCP server that takes a static key: per-tool grants
 * (a denied call never reaches the server), tool lists filtered in JSON and event-stream answers, batches, the session
 * headers, the audit row's MCP fields, and the server's own 401 kept from the agent.
 */
class McpExchangeTest {
	private static final String SERVER_KEY = "mcp-static-" + "Q8wL2vN5xK7pR3tZ";

	@TempDir
	Path home;
	BrokerFixture broker;
	FakeMcpServer server;
	String readerKey;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		server = FakeMcpServer.start().staticKey(SERVER_KEY);
		BrokerFixture.CliResult added = broker.cliWithStdin(SERVER_KEY + "\n", "mcp", "add", "docs", "--url", server.url(), "--header", "Authorization");
		assertEquals(0, added.exit(), added.err());
		broker.awaitRegistry(s -> s.connection("docs") != null);
		readerKey = broker.createAgent("reader", "docs:tools=read_*,search");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	private HttpResponse<String> post(String key, String body, String... headers) {
		HttpRequest.Builder b = HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(body));
		for (int i = 0; i < headers.length; i += 2) {
			b.header(headers[i], headers[i + 1]);
		}
		return broker.send(b.build());
	}

	private static String call(int id, String tool) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}";
	}

	private static String list(int id) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}";
	}

	@SuppressWarnings("unchecked")
	private static List<String> toolNames(Object answer) {
		Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) answer).get("result");
		return ((List<Map<String, Object>>) result.get("tools")).stream().map(t -> (String) t.get("name")).toList();
	}

	/** The JSON messages of an event stream's data lines. */
	private static List<Object> events(String stream) {
		return stream.lines().filter(l -> l.startsWith("data: ")).map(l -> Json.read(l.substring(6))).toList();
	}

	@Test
	@DisplayName("a granted tool call reaches the server with the server's key, never the agent's")
	void grantedCall() {
		HttpResponse<String> r = post(readerKey, call(1, "read_page"));
		assertEquals(200, r.statusCode(), r.body());
		assertTrue(r.body().contains("called read_page"), r.body());
		assertEquals(List.of("read_page"), server.calledTools());
		assertEquals("Bearer " + SERVER_KEY, server.received().getFirst().authorization());
		assertEquals("session-1", r.headers().firstValue("Mcp-Session-Id").orElse(null));
	}

	@Test
	@DisplayName("a denied tool call is answered by the broker with the same id and -32001 tool_denied, and never reaches the server")
	@SuppressWarnings("unchecked")
	void deniedCall() {
		for (String tool : List.of("delete_page", "Read_page", "READ_PAGE", "read\u200b_page".replace("read", "del"))) {
			HttpResponse<String> r = post(readerKey, call(41, tool));
			assertEquals(200, r.statusCode(), r.body());
			Map<String, Object> answer = Json.readObject(r.body());
			assertEquals(41, ((Number) answer.get("id")).intValue());
			Map<String, Object> error = (Map<String, Object>) answer.get("error");
			assertEquals(-32001, ((Number) error.get("code")).intValue());
			assertEquals("tool_denied", ((Map<String, Object>) error.get("data")).get("type"));
		}
		assertTrue(server.received().isEmpty(), "nothing reached the server: " + server.received());
		BrokerFixture.CliResult audit = broker.cli("audit", "--json", "--limit", "1");
		Map<String, Object> row = (Map<String, Object>) ((List<Object>) Json.read(audit.out())).getFirst();
		assertEquals("denied", row.get("decision"));
		assertEquals("tool_denied", row.get("reason"));
		assertEquals("tools/call", row.get("mcp_method"));
		assertNotEquals(null, row.get("tool"));
	}

	@Test
	@DisplayName("tools/list lists only the granted tools, in a JSON answer and in an event stream alike")
	void listFiltered() {
		HttpResponse<String> json = post(readerKey, list(2));
		assertEquals(List.of("read_page", "search"), toolNames(Json.read(json.body())));
		HttpResponse<String> sse = post(readerKey, list(3), "X-Test-Answer", "sse");
		assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
		assertEquals(List.of("read_page", "search"), toolNames(events(sse.body()).getFirst()));
		String full = broker.createAgent("admin", "docs");
		assertEquals(FakeMcpServer.TOOLS, toolNames(Json.read(post(full, list(4)).body())));
		assertEquals(200, post(full, call(5, "delete_page")).statusCode());
		assertEquals(List.of("delete_page"), server.calledTools());
	}

	@Test
	@DisplayName("a batch is handled element by element, in JSON and event-stream answers")
	@SuppressWarnings("unchecked")
	void batches() {
		String batch = "[" + call(1, "read_page") + "," + call(2, "delete_page") + "," + list(3) + "]";
		List<Object> json = (List<Object>) Json.read(post(readerKey, batch).body());
		assertEquals(3, json.size());
		for (Object o : json) {
			Map<String, Object> m = (Map<String, Object>) o;
			switch (((Number) m.get("id")).intValue()) {
				case 1 -> assertTrue(m.containsKey("result"));
				case 2 -> assertEquals(-32001, ((Number) ((Map<String, Object>) m.get("error")).get("code")).intValue());
				case 3 -> assertEquals(List.of("read_page", "search"), toolNames(m));
				default -> throw new AssertionError(m);
			}
		}
		List<Object> sse = events(post(readerKey, batch, "X-Test-Answer", "sse").body());
		assertEquals(3, sse.size());
		assertFalse(sse.toString().contains("delete_page\""), sse.toString().replace("'delete_page'", ""));
		assertEquals(List.of("read_page", "read_page"), server.calledTools());
		// Only denied calls and a notification: the server gets the notification, the agent the denial.
		List<Object> alone = (List<Object>) Json.read(post(readerKey, "[" + call(9, "delete_page")
				+ ",{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]").body());
		assertEquals(1, alone.size());
		assertEquals(9, ((Number) ((Map<String, Object>) alone.getFirst()).get("id")).intValue());
	}

	@Test
	@DisplayName("session and protocol headers pass both ways; GET streams and DELETE go through")
	void sessionHeaders() {
		post(readerKey, list(1), "Mcp-Session-Id", "session-1", "MCP-Protocol-Version", "2025-06-18");
		FakeMcpServer.Received got = server.received().getFirst();
		assertEquals("session-1", got.sessionId());
		assertEquals("2025-06-18", got.protocolVersion());
		HttpResponse<String> stream = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + readerKey)
				.header("Accept", "text/event-stream").header("Mcp-Session-Id", "session-1").GET().build());
		assertEquals(200, stream.statusCode());
		assertTrue(stream.body().contains("list_changed"), stream.body());
		assertTrue(stream.body().contains("read_page") && !stream.body().contains("delete_page"), "a replayed tool list is filtered too: "
				+ stream.body());
		HttpResponse<String> delete = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + readerKey)
				.header("Mcp-Session-Id", "session-1").DELETE().build());
		assertEquals(200, delete.statusCode());
		assertEquals(List.of("tools/list", "(stream)", "(delete)"), server.received().stream().map(FakeMcpServer.Received::method).toList());
	}

	@Test
	@DisplayName("bodies the broker cannot check the way the server reads them are refused under a tool grant")
	void unreadable() {
		HttpResponse<String> twice = post(readerKey, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_page\","
				+ "\"name\":\"delete_page\"}}");
		assertEquals(400, twice.statusCode());
		assertEquals("bad_request", BrokerFixture.errorType(twice));
		String big = call(1, "read_page").replace("\"arguments\":{}", "\"arguments\":{\"x\":\"" + "a".repeat(McpExchange.MAX_BODY) + "\"}");
		HttpResponse<String> tooLarge = post(readerKey, big);
		assertEquals(413, tooLarge.statusCode());
		assertTrue(server.received().isEmpty());
	}

	@Test
	@DisplayName("the server's own 401 never reaches the agent: the broker's JSON error instead, without the server's challenge")
	void serverRefusesTheKey() {
		assertEquals(0, broker.cliWithStdin("wrong-key-" + "x".repeat(12) + "\n", "connection", "set-secret", "docs").exit());
		broker.awaitRegistry(s -> true);
		HttpResponse<String> r = null;
		for (int i = 0; i < 50; i++) { // the secret change reaches the broker through the registry's data_version
			r = post(readerKey, list(1));
			if (r.statusCode() != 200) {
				break;
			}
		}
		assertEquals(503, r.statusCode(), r.body());
		assertEquals("connection_needs_reauth", BrokerFixture.errorType(r));
		assertNull(r.headers().firstValue("WWW-Authenticate").orElse(null));
	}

	@Test
	@DisplayName("revoking the agent ends its open MCP event stream at once, a filtered one too")
	void revocationEndsStream() throws Exception {
		try (mockwebserver3.MockWebServer slow = new mockwebserver3.MockWebServer()) {
			slow.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
			// About a minute of server stream: 600 comment events, 8 bytes every 100 ms.
			slow.enqueue(new mockwebserver3.MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
					.body(": ping\n\n".repeat(600)).throttleBody(8, 100, java.util.concurrent.TimeUnit.MILLISECONDS).build());
			assertEquals(0, broker.cliWithStdin(SERVER_KEY + "\n", "mcp", "add", "slow", "--url", slow.url("/mcp").toString(), "--header",
					"Authorization").exit());
			broker.awaitRegistry(s -> s.connection("slow") != null);
			String key = broker.createAgent("streamer", "slow:tools=read_*");
			HttpResponse<java.io.InputStream> stream = broker.http.send(HttpRequest.newBuilder(broker.url("/slow"))
					.header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(list(1))).build(), HttpResponse.BodyHandlers.ofInputStream());
			java.io.InputStream body = stream.body();
			assertTrue(body.read() != -1, "the stream started");
			assertEquals(0, broker.cli("agent", "revoke", "streamer").exit());
			java.util.concurrent.CompletableFuture<Void> ended = java.util.concurrent.CompletableFuture.runAsync(() -> {
				byte[] buf = new byte[256];
				try {
					while (body.read(buf) != -1) {
						// drain
					}
				} catch (java.io.IOException cut) {
					// an aborted stream: how a cut shows to the agent
				}
			});
			ended.get(10, java.util.concurrent.TimeUnit.SECONDS); // far less than the minute the server would stream
		}
	}

	@Test
	@DisplayName("a tools= grant is refused on a connection that is not an MCP server")
	void toolsOnlyOnMcp() {
		broker.addConnection("api", "custom", server.url(), "k".repeat(16), "--header", "X-Key");
		BrokerFixture.CliResult r = broker.cli("agent", "create", "x", "--grant", "api:tools=read_*");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("not an MCP server"), r.err());
	}
}
