package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.OAuthDetails;
import dev.amk.db.Database;
import dev.amk.providers.ClientAuth;
import dev.amk.providers.Providers;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.MutableClock;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refresh decisions a provider's bad day forces: keep a still-valid token, say clearly when there is none. */
class TokenManagerTest {
	private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

	@TempDir
	Path home;

	@StartStop
	final MockWebServer tokenServer = new MockWebServer();

	final MutableClock clock = new MutableClock(T0);
	final InMemorySecretStore keychain = new InMemorySecretStore();
	ConnectionService connections;
	TokenManager tokens;

	@BeforeEach
	void open() {
		connections = new ConnectionService(Database.openRegistry(home), keychain, clock);
		tokens = new TokenManager(connections, keychain, new TokenEndpoint(clock), clock);
	}

	private Connection connect(TokenSet set) {
		HttpUrl token = tokenServer.url("/token");
		OAuthDetails details = new OAuthDetails(tokenServer.url("/authorize"), token, null, null, "client", null, ClientAuth.POST,
				List.of("read"), null, null, set.expiresAt(), OAuthDetails.Status.CONNECTED, null);
		return connections.addOAuth(new ConnectionService.NewOAuthConnection("svc", Providers.OAUTH, "https://api.example.com", details),
				set.toJson(), null);
	}

	private static MockResponse json(int code, String body) {
		return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
	}

	@Test
	void aPassingFailureKeepsTheOldTokenWhileItLastsThenSaysSo() {
		Connection c = connect(new TokenSet("at-1", "rt-1", T0.plusSeconds(3600), null));
		clock.advance(Duration.ofSeconds(3600 - 30));
		tokenServer.enqueue(json(503, "{}"));
		assertEquals("at-1", tokens.accessToken(c), "30 s left: still good enough while the provider is down");
		clock.advance(Duration.ofSeconds(31));
		tokenServer.enqueue(json(503, "{}"));
		AmkException e = assertThrows(AmkException.class, () -> tokens.accessToken(connections.get("svc")));
		assertEquals("token_refresh_failed", e.type());
		assertTrue(!connections.get("svc").oauth().needsReconnect(), "a provider outage is not a dead grant");

		tokenServer.enqueue(json(200, "{\"access_token\":\"at-2\",\"expires_in\":3600}"));
		assertEquals("at-2", tokens.accessToken(connections.get("svc")));
		TokenSet stored = TokenSet.fromJson(keychain.get(c.secretRef()));
		assertEquals("rt-1", stored.refreshToken(), "a refresh without a new refresh token keeps the old one");
		assertEquals(clock.instant().plusSeconds(3600), connections.get("svc").oauth().accessExpiresAt());
		assertEquals(3, tokenServer.getRequestCount());
	}

	@Test
	void withoutARefreshTokenAnExpiredSignInNeedsReconnecting() {
		Connection c = connect(new TokenSet("at-1", null, T0.plusSeconds(600), null));
		clock.advance(Duration.ofSeconds(590));
		assertEquals("at-1", tokens.accessToken(c), "nothing to refresh with; the token still works for ten seconds");
		clock.advance(Duration.ofSeconds(10));
		assertEquals("connection_needs_reauth", assertThrows(AmkException.class, () -> tokens.accessToken(c)).type());
		assertTrue(connections.get("svc").oauth().needsReconnect());
		assertEquals(0, tokenServer.getRequestCount());
	}

	@Test
	void aTokenWithoutExpiryIsUsedUntilTheUpstreamRejectsIt() {
		Connection c = connect(new TokenSet("gho-1", null, null, null));
		clock.advance(Duration.ofDays(400));
		assertEquals("gho-1", tokens.accessToken(c));
		assertNull(tokens.afterRejection(c, "gho-1"), "no refresh token: nothing better to retry with");
		assertTrue(connections.get("svc").oauth().needsReconnect());
		assertEquals("connection_needs_reauth", assertThrows(AmkException.class, () -> tokens.accessToken(connections.get("svc"))).type());
	}

	@Test
	void aRejectionAfterSomeoneElseRefreshedUsesTheirTokenWithoutAnotherCall() {
		Connection c = connect(new TokenSet("at-1", "rt-1", T0.plusSeconds(3600), null));
		tokenServer.enqueue(json(200, "{\"access_token\":\"at-2\",\"refresh_token\":\"rt-2\",\"expires_in\":3600}"));
		assertEquals("at-2", tokens.afterRejection(c, "at-1"));
		assertEquals("at-2", tokens.afterRejection(c, "at-1"), "a second request rejected with the old token gets the new one");
		assertEquals(1, tokenServer.getRequestCount());
	}

	@Test
	void aRejectedFreshTokenIsNotRefreshedAgainSoAnAgentCannotHammerTheProvider() {
		Connection c = connect(new TokenSet("at-1", "rt-1", T0.plusSeconds(3600), null));
		tokenServer.enqueue(json(200, "{\"access_token\":\"at-2\",\"refresh_token\":\"rt-2\",\"expires_in\":3600}"));
		assertEquals("at-2", tokens.afterRejection(c, "at-1"));
		assertNull(tokens.afterRejection(c, "at-2"), "a 401 for a token refreshed a moment ago is not about its age");
		assertNull(tokens.afterRejection(c, "at-2"));
		assertEquals(1, tokenServer.getRequestCount());
		clock.advance(TokenManager.NO_REFRESH_AFTER_REFRESH);
		tokenServer.enqueue(json(200, "{\"access_token\":\"at-3\",\"refresh_token\":\"rt-3\",\"expires_in\":3600}"));
		assertEquals("at-3", tokens.afterRejection(c, "at-2"), "later, a rejection may mean a revoked token again");
		assertTrue(!connections.get("svc").oauth().needsReconnect());
	}

	@Test
	void aNewSignInReplacesTheTokensAndClearsTheDeadMark() {
		Connection c = connect(new TokenSet("at-1", "rt-1", T0.plusSeconds(60), null));
		tokenServer.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
		assertThrows(AmkException.class, () -> tokens.accessToken(c));
		OAuthDetails fresh = c.oauth().withGrant(List.of("read"), "me", T0.plusSeconds(3600));
		Connection reconnected = connections.reconnectOAuth("svc", fresh, new TokenSet("at-9", "rt-9", T0.plusSeconds(3600), null).toJson(), null);
		assertEquals("at-9", tokens.accessToken(reconnected));
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> keychain.get(c.secretRef())).type(), "the old set is gone");
	}

	@Test
	void needsReauthNamesTheCommandThatSignsInAgain() {
		Connection oauth = new Connection(1, "svc", Providers.OAUTH, HttpUrl.get("https://api.example.com"), null, "ref", Instant.EPOCH);
		Connection mcp = new Connection(2, "docs", Providers.MCP, HttpUrl.get("https://mcp.example.com/mcp"), null, "ref", Instant.EPOCH);
		assertTrue(TokenManager.needsReauth(oauth).getMessage().contains("'amk connection connect svc --reconnect'"));
		assertTrue(TokenManager.needsReauth(mcp).getMessage().contains("'amk mcp add docs --reconnect'"),
				"an MCP server signs in again through amk mcp add");
	}
}
