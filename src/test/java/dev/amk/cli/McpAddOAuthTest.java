package dev.amk.cli;

import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.StreamingCli;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk mcp add --no-browser} end to end: the real CLI (stdout read line by line while it waits), a running broker,
 * and a Java MCP server with its own authorization server over real sockets. The "browser" is an HTTP client that
 * follows the authorization server's redirect to the command's loopback listener.
 */
class McpAddOAuthTest {
	@TempDir
	Path home;
	BrokerFixture broker;
	FakeMcpServer server;
	final dev.amk.testing.MutableClock clock = new dev.amk.testing.MutableClock(java.time.Instant.now());

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home, clock, java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30));
		server = FakeMcpServer.start();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	/** What the person's browser does: open the page, which approves at once and redirects to the loopback listener. */
	private void approve(String url) {
		HttpResponse<String> page = broker.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
		assertEquals(302, page.statusCode(), page.body());
		HttpResponse<String> back = broker.send(HttpRequest.newBuilder(URI.create(page.headers().firstValue("Location").orElseThrow())).GET().build());
		assertEquals(200, back.statusCode(), back.body());
	}

	private HttpResponse<String> listTools(String key) {
		return broker.send(HttpRequest.newBuilder(broker.url("/remote")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build());
	}

	@Test
	@DisplayName("discovery from the 401, dynamic registration, PKCE and resource; then the broker injects and refreshes the tokens")
	void signInAndUse() throws Exception {
		StreamingCli add = new StreamingCli(broker, "mcp", "add", "remote", "--url", server.url(), "--no-browser", "--json");
		BlockingQueue<String> lines = add.lines;
		StringWriter err = add.err;
		CompletableFuture<Integer> exit = add.exit;
		String url = lines.poll(20, TimeUnit.SECONDS);
		assertNotNull(url, "no authorization URL on stdout: " + err);
		assertTrue(url.startsWith(server.url().replace("/mcp", "/authorize")), url);
		approve(url);
		assertEquals(0, exit.get(20, TimeUnit.SECONDS), err.toString());
		Map<String, Object> result = Json.readObject(lines.poll(5, TimeUnit.SECONDS));
		assertEquals("mcp", result.get("provider"));

		Map<String, Object> registration = server.registrations().getFirst();
		assertEquals("none", registration.get("token_endpoint_auth_method"));
		Map<String, String> authorize = server.authorizeRequests().getFirst();
		assertEquals("S256", authorize.get("code_challenge_method"));
		assertEquals(server.url(), authorize.get("resource"));
		assertEquals("mcp:tools", authorize.get("scope"));
		assertEquals(server.url(), server.tokenRequests().getFirst().get("resource"));

		String key = broker.createAgent("bot", "remote:tools=read_*");
		HttpResponse<String> listed = listTools(key);
		assertEquals(200, listed.statusCode(), listed.body());
		assertTrue(listed.body().contains("read_page") && !listed.body().contains("delete_page"), listed.body());
		String token = server.issuedAccessTokens().getFirst();
		assertEquals("Bearer " + token, server.received().getLast().authorization(), "the server sees only the broker's token");

		// The server forgets the access token: the broker refreshes (with the resource) and retries once; the agent sees nothing of it.
		server.revokeAccessTokens();
		HttpResponse<String> again = listTools(key);
		assertEquals(200, again.statusCode(), again.body());
		Map<String, String> refresh = server.tokenRequests().getLast();
		assertEquals("refresh_token", refresh.get("grant_type"));
		assertEquals(server.url(), refresh.get("resource"));

		// Every token gone: the broker's JSON error, never the server's 401 and its challenge; the connection awaits a new sign-in.
		// (Past the 30 s in which a fresh token is not refreshed again, so the broker does try, and the refresh is refused.)
		server.revokeEverything();
		clock.advance(java.time.Duration.ofSeconds(31));
		HttpResponse<String> dead = listTools(key);
		assertEquals(503, dead.statusCode(), dead.body());
		assertEquals("connection_needs_reauth", BrokerFixture.errorType(dead));
		assertFalse(dead.headers().firstValue("WWW-Authenticate").isPresent());
		String list = broker.cli("connection", "list").out();
		assertTrue(list.contains("amk mcp add remote --reconnect"), list);

		// --reconnect signs in again; grants stay.
		StreamingCli reconnect = new StreamingCli(broker, "mcp", "add", "remote", "--reconnect", "--no-browser");
		approve(reconnect.lines.poll(20, TimeUnit.SECONDS));
		assertEquals(0, reconnect.exit.get(20, TimeUnit.SECONDS), reconnect.err.toString());
		HttpResponse<String> back = null;
		for (int i = 0; i < 50 && (back == null || back.statusCode() != 200); i++) {
			back = listTools(key); // the new sign-in reaches the broker through the registry
		}
		assertEquals(200, back.statusCode(), back.body());
		List<?> listed2 = (List<?>) Json.read(broker.cli("connection", "list", "--json").out());
		assertEquals("mcp", ((Map<?, ?>) listed2.getFirst()).get("provider"), "amk connection list shows provider mcp");
	}

	@Test
	@DisplayName("a server that asks for no sign-in is refused with advice, and nothing is stored")
	void noAuthorization() {
		server.requireAuth(false);
		BrokerFixture.CliResult r = broker.cli("mcp", "add", "open", "--url", server.url(), "--no-browser");
		assertEquals(1, r.exit());
		assertTrue(r.err().contains("--header"), r.err());
		assertEquals(List.of(), Json.read(broker.cli("connection", "list", "--json").out()));
	}
}
