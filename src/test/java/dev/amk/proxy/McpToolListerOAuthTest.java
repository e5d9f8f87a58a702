package dev.amk.proxy;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.MutableClock;
import dev.amk.testing.StreamingCli;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tool picker's list from an OAuth MCP server: the broker's token, refreshed after a 401 as the proxy does; a dead sign-in said in words. */
class McpToolListerOAuthTest {
	@TempDir
	Path home;
	final MutableClock clock = new MutableClock(Instant.now());
	BrokerFixture broker;
	FakeMcpServer server;

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	@Test
	@DisplayName("signed in with amk mcp add: listed with the broker's token; a forgotten token is refreshed and the list still comes; a refused refresh says to sign in again")
	void oauth() throws Exception {
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
		server = FakeMcpServer.start();
		StreamingCli add = new StreamingCli(broker, "mcp", "add", "remote", "--url", server.url(), "--no-browser");
		String url = add.lines.poll(20, TimeUnit.SECONDS);
		assertNotNull(url, add.err.toString());
		HttpResponse<String> page = broker.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
		broker.send(HttpRequest.newBuilder(URI.create(page.headers().firstValue("Location").orElseThrow())).GET().build());
		assertEquals(0, add.exit.get(20, TimeUnit.SECONDS), add.err.toString());
		broker.awaitRegistry(s -> s.connection("remote") != null && s.connection("remote").isOAuth());
		McpToolLister lister = broker.broker.services().mcpToolLister();

		assertEquals(FakeMcpServer.TOOLS.size(), lister.list(broker.broker.registry().current().connection("remote")).size());
		assertEquals("Bearer " + server.issuedAccessTokens().getFirst(), server.received().getLast().authorization());

		server.revokeAccessTokens();
		assertEquals(FakeMcpServer.TOOLS.size(), lister.list(broker.broker.registry().current().connection("remote")).size());
		assertEquals("refresh_token", server.tokenRequests().getLast().get("grant_type"));

		server.revokeEverything();
		clock.advance(Duration.ofSeconds(31)); // past the span in which a fresh token is not refreshed again
		AmkException e = assertThrows(AmkException.class, () -> lister.list(broker.broker.registry().current().connection("remote")));
		assertTrue(e.is(ErrorType.CONNECTION_NEEDS_REAUTH), e.errorType().toString());
		assertTrue(e.getMessage().contains("remote") && e.getMessage().contains("--reconnect"), e.getMessage());
	}
}
