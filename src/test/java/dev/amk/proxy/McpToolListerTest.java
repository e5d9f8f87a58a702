package dev.amk.proxy;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live tool list behind the agent editor's picker, from the broker's own lister (its credentials, its client) against a
 * loopback MCP server that takes a static key: JSON and event-stream answers, a server that insists on its session id, and
 * the failures a person must be told about in words.
 */
class McpToolListerTest {
	private static final String KEY = "static-key-0123456789";

	@TempDir
	Path home;
	BrokerFixture broker;
	FakeMcpServer server;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		server = FakeMcpServer.start().staticKey(KEY);
		assertEquals(0, broker.cliWithStdin(KEY + "\n", "mcp", "add", "docs", "--url", server.url(), "--header", "Authorization").exit());
		broker.awaitRegistry(s -> s.connection("docs") != null);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	private Connection docs() {
		return broker.broker.registry().current().connection("docs");
	}

	private McpToolLister lister() {
		return broker.broker.services().mcpToolLister();
	}

	private static List<String> names(List<McpToolLister.Tool> tools) {
		return tools.stream().map(McpToolLister.Tool::name).toList();
	}

	@Test
	@DisplayName("JSON answers: initialize, initialized, tools/list with the connection's real key, then the session is ended")
	void json() {
		assertEquals(FakeMcpServer.TOOLS, names(lister().list(docs())));
		List<String> methods = server.received().stream().map(FakeMcpServer.Received::method).toList();
		assertEquals(List.of("initialize", "notifications/initialized", "tools/list", "(delete)"), methods);
		assertTrue(server.received().stream().allMatch(r -> ("Bearer " + KEY).equals(r.authorization())), server.received().toString());
		assertEquals("2025-06-18", server.received().get(2).protocolVersion(), "later requests carry the version the server answered");
	}

	@Test
	@DisplayName("event-stream answers from a server that refuses requests without its session id")
	void sseWithSession() {
		server.requireSession(true).alwaysSse(true);
		assertEquals(FakeMcpServer.TOOLS, names(lister().list(docs())));
		assertTrue(server.received().stream().noneMatch(r -> r.method().equals("(no session)")), server.received().toString());
		assertEquals("session-1", server.received().stream().filter(r -> "tools/list".equals(r.method())).findFirst().orElseThrow().sessionId());
	}

	@Test
	@DisplayName("a key the server no longer takes: connection_needs_reauth, saying what to do, without the key")
	void refused() {
		server.staticKey("another-key-entirely");
		AmkException e = assertThrows(AmkException.class, () -> lister().list(docs()));
		assertTrue(e.is(ErrorType.CONNECTION_NEEDS_REAUTH), e.errorType().toString());
		assertTrue(e.getMessage().contains("refused the broker's key") && e.getMessage().contains("amk connection set-secret docs"), e.getMessage());
		assertFalse(e.getMessage().contains(KEY));
	}

	@Test
	@DisplayName("a server that is gone: upstream_unreachable, naming the server and what to check")
	void unreachable() {
		Connection docs = docs();
		server.close();
		AmkException e = assertThrows(AmkException.class, () -> lister().list(docs));
		assertTrue(e.is(ErrorType.UPSTREAM_UNREACHABLE), e.errorType().toString());
		assertTrue(e.getMessage().startsWith("Could not reach the MCP server 'docs' ("), e.getMessage());
		assertTrue(e.getMessage().contains("nothing accepted the connection"), e.getMessage());
	}

	@Test
	@DisplayName("a connection that is not an MCP server has no tools to list")
	void notMcp() {
		broker.addConnection("openai", "openai", server.url(), "sk-not-mcp");
		Connection openai = broker.awaitRegistry(s -> s.connection("openai") != null).connection("openai");
		AmkException e = assertThrows(AmkException.class, () -> lister().list(openai));
		assertEquals("'openai' is not an MCP server, so it has no tools to list.", e.getMessage());
	}
}
