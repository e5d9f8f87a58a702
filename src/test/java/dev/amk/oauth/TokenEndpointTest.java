package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.providers.ClientAuth;
import dev.amk.providers.Providers;
import dev.amk.testing.MutableClock;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire format of the token endpoint, including the ways real providers bend RFC 6749. */
class TokenEndpointTest {
	private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

	@StartStop
	final MockWebServer server = new MockWebServer();

	final TokenEndpoint endpoint = new TokenEndpoint(new MutableClock(T0));

	private OAuthClient client(String secret, ClientAuth auth, boolean json) {
		HttpUrl token = server.url("/token");
		return new OAuthClient(token, server.url("/device"), server.url("/revoke"), "client-1", secret, auth, json);
	}

	private static MockResponse json(int code, String body) {
		return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
	}

	private RecordedRequest taken() throws InterruptedException {
		return server.takeRequest(5, TimeUnit.SECONDS);
	}

	@Test
	void exchangesACodeWithItsVerifierAndReadsTheTokenSet() throws Exception {
		server.enqueue(json(200, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-1\","
				+ "\"scope\":\"repo read:user\",\"team\":{\"name\":\"Acme\"}}"));
		TokenEndpoint.TokenResponse r = endpoint.exchangeCode(client(null, ClientAuth.POST, false), "code-1", "http://127.0.0.1:5/callback", "verifier-1");
		assertEquals(new TokenSet("at-1", "rt-1", T0.plusSeconds(3600), List.of("repo", "read:user")), r.tokens());
		assertEquals("Acme", OAuthConnector.field(r.extra(), "team.name"));
		assertFalse(r.extra().containsKey("access_token"), "the extra fields never carry the tokens");
		RecordedRequest seen = taken();
		String form = seen.getBody().utf8();
		assertEquals("application/json", seen.getHeaders().get("Accept"));
		assertTrue(form.contains("grant_type=authorization_code"), form);
		assertTrue(form.contains("code_verifier=verifier-1"), form);
		assertTrue(form.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcallback"), form);
		assertTrue(form.contains("client_id=client-1"), form);
		assertFalse(form.contains("client_secret"), "a public client sends no secret");
	}

	@Test
	void aConfidentialClientAuthenticatesInTheFormOrWithBasic() throws Exception {
		server.enqueue(json(200, "{\"access_token\":\"at\"}"));
		endpoint.refresh(client("s3cr:et", ClientAuth.POST, false), "rt");
		String form = taken().getBody().utf8();
		assertTrue(form.contains("client_secret=s3cr%3Aet") && form.contains("grant_type=refresh_token") && form.contains("refresh_token=rt"), form);

		server.enqueue(json(200, "{\"access_token\":\"at\"}"));
		endpoint.refresh(client("s3cr:et", ClientAuth.BASIC, true), "rt");
		RecordedRequest basic = taken();
		String expected = Base64.getEncoder().encodeToString("client-1:s3cr%3Aet".getBytes(StandardCharsets.UTF_8));
		assertEquals("Basic " + expected, basic.getHeaders().get("Authorization"), "RFC 6749 §2.3.1: form-encoded, then base64");
		assertTrue(basic.getHeaders().get("Content-Type").startsWith("application/json"), "Notion's token endpoint takes JSON");
		assertFalse(basic.getBody().utf8().contains("s3cr"), "the secret is only in the Basic header");
	}

	@Test
	void anErrorFieldIsAnErrorWhateverTheStatus() {
		server.enqueue(json(200, "{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect or expired.\"}"));
		OAuthException github = assertThrows(OAuthException.class,
				() -> endpoint.exchangeCode(client(null, ClientAuth.POST, false), "c", "http://127.0.0.1:5/callback", "v"));
		assertEquals("bad_verification_code", github.oauthError());
		assertTrue(github.getMessage().contains("incorrect or expired"), github.getMessage());

		server.enqueue(json(200, "{\"ok\":false,\"error\":\"invalid_refresh_token\"}"));
		OAuthException slack = assertThrows(OAuthException.class, () -> endpoint.refresh(client(null, ClientAuth.POST, false), "rt"));
		assertEquals("invalid_refresh_token", slack.oauthError());

		server.enqueue(json(400, "{\"error\":\"invalid_grant\"}"));
		OAuthException dead = assertThrows(OAuthException.class, () -> endpoint.refresh(client(null, ClientAuth.POST, false), "rt"));
		assertTrue(dead.grantIsDead());
		assertEquals("oauth_invalid_grant", dead.type());

		server.enqueue(new MockResponse.Builder().code(503).body("<html>down</html>").build());
		OAuthException down = assertThrows(OAuthException.class, () -> endpoint.refresh(client(null, ClientAuth.POST, false), "rt"));
		assertFalse(down.grantIsDead(), "a 5xx is passing trouble, not a dead grant");
	}

	@Test
	void anErrorThatQuotesWhatWasSentHasItBlanked() {
		server.enqueue(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token rt-SECRET-0123 is revoked;"
				+ " client cs-SECRET-4567\"}"));
		OAuthException e = assertThrows(OAuthException.class, () -> endpoint.refresh(client("cs-SECRET-4567", ClientAuth.POST, false), "rt-SECRET-0123"));
		assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
		assertTrue(e.getMessage().contains("refresh token [redacted] is revoked"), e.getMessage());
	}

	@Test
	void readsSlackUserTokensAndFormEncodedAnswers() {
		server.enqueue(json(200, "{\"ok\":true,\"authed_user\":{\"id\":\"U1\",\"access_token\":\"xoxp-1\",\"scope\":\"search:read\"},"
				+ "\"team\":{\"name\":\"Acme\"}}"));
		OAuthClient slackClient = OAuthClient.of(Providers.oauthOf(Providers.SLACK), server.url("/token"), null, null, "client-1", null,
				ClientAuth.POST);
		TokenEndpoint.TokenResponse slack = endpoint.refresh(slackClient, "rt");
		assertEquals("xoxp-1", slack.tokens().accessToken());
		assertEquals(List.of("search:read"), slack.tokens().scopes());
		assertFalse(slack.extra().toString().contains("xoxp-1"));
		assertEquals(Map.of("name", "Acme"), slack.extra().get("team"));

		// Only a provider that says its tokens are nested has them looked for there.
		server.enqueue(json(200, "{\"ok\":true,\"authed_user\":{\"access_token\":\"xoxp-2\"}}"));
		assertEquals("oauth_bad_token_response", assertThrows(AmkException.class,
				() -> endpoint.refresh(client(null, ClientAuth.POST, false), "rt")).type());

		server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/x-www-form-urlencoded")
				.body("access_token=gho_1&scope=repo&token_type=bearer").build());
		TokenEndpoint.TokenResponse form = endpoint.refresh(client(null, ClientAuth.POST, false), "rt");
		assertEquals("gho_1", form.tokens().accessToken());
		assertNull(form.tokens().expiresAt());
	}

	@Test
	void neverFollowsARedirectWithTheSecret() throws Exception {
		MockWebServer elsewhere = new MockWebServer();
		elsewhere.start();
		try {
			server.enqueue(new MockResponse.Builder().code(307).addHeader("Location", elsewhere.url("/token").toString()).build());
			assertThrows(AmkException.class, () -> endpoint.refresh(client("secret", ClientAuth.POST, false), "rt"));
			assertEquals(0, elsewhere.getRequestCount());
		} finally {
			elsewhere.close();
		}
	}

	@Test
	void devicePollsMapToPendingSlowDownAndClearFailures() {
		server.enqueue(json(200, "{\"device_code\":\"dc\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\"https://example.com/device\","
				+ "\"expires_in\":900,\"interval\":5}"));
		TokenEndpoint.DeviceAuthorization d = endpoint.startDevice(client(null, ClientAuth.POST, false), "repo");
		assertEquals("WDJB-MJHT", d.userCode());
		assertEquals(T0.plusSeconds(900), d.expiresAt());
		OAuthClient c = client(null, ClientAuth.POST, false);
		server.enqueue(json(400, "{\"error\":\"authorization_pending\"}"));
		assertInstanceOf(TokenEndpoint.DevicePoll.Pending.class, endpoint.pollDevice(c, "dc"));
		server.enqueue(json(400, "{\"error\":\"slow_down\"}"));
		assertInstanceOf(TokenEndpoint.DevicePoll.SlowDown.class, endpoint.pollDevice(c, "dc"));
		server.enqueue(json(400, "{\"error\":\"access_denied\"}"));
		assertEquals("oauth_denied", assertThrows(AmkException.class, () -> endpoint.pollDevice(c, "dc")).type());
		server.enqueue(json(400, "{\"error\":\"expired_token\"}"));
		assertEquals("oauth_timeout", assertThrows(AmkException.class, () -> endpoint.pollDevice(c, "dc")).type());
		server.enqueue(json(200, "{\"access_token\":\"at\"}"));
		assertInstanceOf(TokenEndpoint.DevicePoll.Granted.class, endpoint.pollDevice(c, "dc"));
	}

	@Test
	void deletesAGitHubGrantAsTheOAuthApp() throws Exception {
		server.enqueue(new MockResponse.Builder().code(204).build());
		endpoint.deleteAppGrant(server.url("/api/v3"), client("gh-secret", ClientAuth.POST, false), "gho_token");
		RecordedRequest seen = taken();
		assertEquals("DELETE", seen.getMethod());
		assertEquals("/api/v3/applications/client-1/grant", seen.getUrl().encodedPath());
		assertEquals("Basic " + Base64.getEncoder().encodeToString("client-1:gh-secret".getBytes(StandardCharsets.UTF_8)),
				seen.getHeaders().get("Authorization"));
		assertEquals("{\"access_token\":\"gho_token\"}", seen.getBody().utf8());
		server.enqueue(new MockResponse.Builder().code(404).build());
		endpoint.deleteAppGrant(server.url("/"), client("gh-secret", ClientAuth.POST, false), "gho_token"); // already gone: fine
		server.enqueue(new MockResponse.Builder().code(422).build());
		assertThrows(OAuthException.class, () -> endpoint.deleteAppGrant(server.url("/"), client("gh-secret", ClientAuth.POST, false), "t"));
	}

	@Test
	void anUnreachableServerIsASayableError() {
		OAuthClient nowhere = new OAuthClient(HttpUrl.get("http://127.0.0.1:9/token"), null, null, "c", null, ClientAuth.POST, false);
		AmkException e = assertThrows(AmkException.class, () -> endpoint.refresh(nowhere, "rt-SECRET"));
		assertEquals("oauth_unreachable", e.type());
		assertFalse(e.getMessage().contains("rt-SECRET"));
	}
}
