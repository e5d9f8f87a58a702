package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.InvalidInput;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.TokenRevoker;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.providers.Slack;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.HeadlessChromium;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OAuth from the sign-in to the agent's request, with every part real but the keychain (BrokerFixture's in-memory
 * one): the broker and its proxy over sockets, SQLite files, a local authorization server that also plays the
 * provider's API, and (for the browser step) either an HTTP client that follows redirects the way a browser
 * does, or headless Chromium.
 */
class OAuthEndToEndTest {
	private static final String CLIENT_ID = "amk-test-client";
	private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(T0);
	FakeAuthorizationServer provider;
	BrokerFixture broker;

	/** A browser stand-in: loads the page, follows redirects to the loopback listener, remembers where it ended. */
	final OkHttpClient browserHttp = new OkHttpClient.Builder().followRedirects(true).build();
	final AtomicReference<String> landedOn = new AtomicReference<>();
	final AtomicReference<Integer> landedStatus = new AtomicReference<>();

	@BeforeEach
	void start() {
		provider = FakeAuthorizationServer.start().registerClient(CLIENT_ID, null);
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(10), Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, provider);
	}

	private boolean followLikeABrowser(String url) {
		try (okhttp3.Response r = browserHttp.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
			landedOn.set(r.request().url().toString());
			landedStatus.set(r.code());
			return true;
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	private Function<ProviderSpec, OAuthProfile> profilesAtTheFakeServer() {
		return p -> {
			if (p == Providers.GITHUB) {
				return Providers.oauthOf(p).at(provider.authorizeUrl(), provider.tokenUrl(), provider.deviceAuthorizationUrl(), provider.revokeUrl());
			}
			if (p == Providers.SLACK) {
				return Providers.oauthOf(p).at(provider.authorizeUrl(), provider.tokenUrl(), null, provider.revokeUrl());
			}
			return Providers.oauthOf(p);
		};
	}

	private OAuthConnector connector(Browser browser) {
		return new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(), browser, clock,
				Duration.ofSeconds(30), profilesAtTheFakeServer());
	}

	private static OAuthConnector.Request github(String name, boolean device, boolean reconnect, String apiBase) {
		return new OAuthConnector.Request(name, Providers.GITHUB, reconnect ? null : CLIENT_ID, null, null, null, null, null, null, apiBase,
				device, true, reconnect);
	}

	private OAuthConnector.Connected connectGitHub(String name) {
		return connector(this::followLikeABrowser).prepare(github(name, false, false, provider.apiBaseUrl())).run(new OAuthConnector.Progress() {
		});
	}

	private HttpResponse<String> agentGet(String key, String path) {
		return broker.get(path, "Authorization", "Bearer " + key);
	}

	private String lastApiAuthorization() {
		List<FakeAuthorizationServer.ApiRequest> seen = provider.apiRequests();
		return seen.get(seen.size() - 1).authorization();
	}

	@Test
	@DisplayName("Sign in, store, and an agent's request arrives upstream with the new access token")
	void signInThenProxy() throws Exception {
		List<String> steps = new ArrayList<>();
		AtomicReference<String> shownUrl = new AtomicReference<>();
		OAuthConnector.Connected connected = connector(this::followLikeABrowser)
				.prepare(github("gh", false, false, provider.apiBaseUrl()))
				.run(new OAuthConnector.Progress() {
					@Override
					public void authorizationUrl(String url, boolean opened) {
						shownUrl.set(url);
						assertTrue(opened);
					}

					@Override
					public void step(String text) {
						steps.add(text);
					}
				});
		assertEquals("octocat", connected.identity());
		assertEquals(List.of("repo", "read:user"), connected.scopes());
		assertEquals(T0.plusSeconds(3600), connected.expiresAt());
		assertFalse(steps.isEmpty());

		Map<String, String> authorize = provider.authorizeRequests().getFirst();
		assertEquals("S256", authorize.get("code_challenge_method"));
		assertEquals(CLIENT_ID, authorize.get("client_id"));
		assertTrue(authorize.get("redirect_uri").matches("http://127\\.0\\.0\\.1:\\d+/callback"), authorize.get("redirect_uri"));
		assertTrue(shownUrl.get().startsWith(provider.authorizeUrl()));
		assertTrue(landedOn.get().startsWith(authorize.get("redirect_uri")), "the browser ended on the loopback listener");
		assertEquals(200, landedStatus.get());

		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		HttpResponse<String> response = agentGet(key, "/gh/user");
		assertEquals(200, response.statusCode(), response.body());
		assertTrue(response.body().contains("octocat"));
		String accessToken = provider.currentAccessTokens().getFirst();
		assertEquals("Bearer " + accessToken, lastApiAuthorization());

		// The token set is one keychain item, and no token reaches SQLite or the logs.
		Connection stored = broker.broker.connections().get("gh");
		TokenSet tokens = TokenSet.fromJson(broker.broker.secrets().get(stored.secretRef()));
		assertEquals(accessToken, tokens.accessToken());
		assertNotNull(tokens.refreshToken());
		assertEquals("octocat", stored.oauth().identity());
		for (Path file : Files.walk(home).filter(Files::isRegularFile).toList()) {
			String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
			assertFalse(content.contains(accessToken), "access token in " + file);
			assertFalse(content.contains(tokens.refreshToken()), "refresh token in " + file);
		}
	}

	@Test
	@DisplayName("50 concurrent requests as the token expires: exactly one refresh, and all 50 succeed")
	void fiftyConcurrentRequestsShareOneRefresh() throws Exception {
		connectGitHub("gh");
		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		String before = provider.currentAccessTokens().getFirst();
		provider.refreshDelay(Duration.ofMillis(300)); // a slow token endpoint widens the window for a racing second refresh
		provider.expireAccessTokens();
		clock.advance(Duration.ofSeconds(3600 - 30)); // inside the refresh margin

		CountDownLatch go = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 50; i++) {
				results.add(pool.submit(() -> {
					go.await();
					return agentGet(key, "/gh/repos/acme/app");
				}));
			}
			go.countDown();
			for (Future<HttpResponse<String>> f : results) {
				HttpResponse<String> r = f.get();
				assertEquals(200, r.statusCode(), r.body());
			}
		}
		assertEquals(1, provider.refreshCalls());
		String after = provider.currentAccessTokens().getFirst();
		assertNotEquals(before, after);
		long withNewToken = provider.apiRequests().stream().filter(a -> ("Bearer " + after).equals(a.authorization())).count();
		assertEquals(50, withNewToken, "every request went out with the refreshed token");
		Connection stored = broker.broker.connections().get("gh");
		assertEquals(after, TokenSet.fromJson(broker.broker.secrets().get(stored.secretRef())).accessToken(), "the keychain holds the new set");
		assertEquals(clock.instant().plusSeconds(3600), stored.oauth().accessExpiresAt());
	}

	@Test
	@DisplayName("invalid_grant: the connection needs reconnecting, agents get connection_needs_reauth, and a reconnect heals it")
	void invalidGrantNeedsReconnect() {
		connectGitHub("gh");
		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		provider.rejectRefresh(true);
		clock.advance(Duration.ofSeconds(3600));

		HttpResponse<String> refused = agentGet(key, "/gh/user");
		assertEquals(503, refused.statusCode());
		assertEquals("connection_needs_reauth", BrokerFixture.errorType(refused));
		assertTrue(refused.body().contains("reconnect"), refused.body());
		broker.awaitRegistry(s -> s.connection("gh").oauth().needsReconnect());
		assertEquals(503, agentGet(key, "/gh/user").statusCode());
		assertEquals(1, provider.refreshCalls(), "a dead grant is not hammered");
		assertTrue(broker.broker.preloadSecrets().contains("connection 'gh' needs reconnecting (its sign-in was refused at GitHub):"
				+ " amk connection connect gh --reconnect"), "amk serve says so when it starts");
		int apiCalls = provider.apiCalls();

		provider.rejectRefresh(false);
		OAuthConnector.Connected again = connector(this::followLikeABrowser).prepare(github("gh", false, true, null)).run(new OAuthConnector.Progress() {
		});
		assertEquals("octocat", again.identity());
		broker.awaitRegistry(s -> !s.connection("gh").oauth().needsReconnect());
		HttpResponse<String> healed = agentGet(key, "/gh/user");
		assertEquals(200, healed.statusCode(), healed.body());
		assertEquals(apiCalls + 2, provider.apiCalls(), "identity look-up, then the agent's request");
	}

	@Test
	@DisplayName("A token refused before its time is refreshed once and the request, body included, sent again")
	void rejectedTokenIsRefreshedAndRetried() {
		connectGitHub("gh");
		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		provider.expireAccessTokens(); // revoked at the provider; the broker's clock says it is still good

		HttpResponse<String> response = broker.send(HttpRequest.newBuilder(broker.url("/gh/repos/acme/app/issues"))
				.header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"bug\"}")).build());
		assertEquals(200, response.statusCode(), response.body());
		assertEquals(1, provider.refreshCalls());
		List<FakeAuthorizationServer.ApiRequest> seen = provider.apiRequests();
		assertEquals("POST", seen.getLast().method());
		assertEquals("Bearer " + provider.currentAccessTokens().getFirst(), seen.getLast().authorization());
		assertNotEquals(seen.get(seen.size() - 2).authorization(), seen.getLast().authorization());
	}

	@Test
	@DisplayName("Removing the connection revokes its refresh token at the provider (RFC 7009) and empties the keychain")
	void removeRevokes() {
		connectGitHub("gh");
		Connection stored = broker.broker.connections().get("gh");
		String refresh = TokenSet.fromJson(broker.broker.secrets().get(stored.secretRef())).refreshToken();
		ConnectionService.Removed removed = broker.broker.connections().remove("gh");
		assertEquals(TokenRevoker.Outcome.REVOKED, removed.revocation());
		assertTrue(provider.revokedTokens().contains(refresh));
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> broker.broker.secrets().get(stored.secretRef())).type());
	}

	@Test
	@DisplayName("Slack: user scopes, and the redirect to localhost on the one port a PKCE app registers")
	void slackUsesItsRegisteredLocalhostRedirect() {
		provider.allowLocalhostRedirect(Slack.REDIRECT.port());
		OAuthConnector.Connected connected = connector(this::followLikeABrowser)
				.prepare(new OAuthConnector.Request("slack", Providers.SLACK, CLIENT_ID, null, null, null, null, null, null, provider.apiBaseUrl(),
						false, true, false))
				.run(new OAuthConnector.Progress() {
				});
		Map<String, String> authorize = provider.authorizeRequests().getFirst();
		assertEquals("http://localhost:47923/callback", authorize.get("redirect_uri"));
		assertEquals("http://localhost:47923/callback", Providers.oauthOf(Providers.SLACK).redirectToRegister());
		assertEquals("channels:read,channels:history,chat:write,users:read,search:read", authorize.get("user_scope"),
				"Slack's PKCE apps ask for user scopes; bot scopes are refused on a localhost redirect");
		assertEquals(null, authorize.get("scope"));
		assertEquals(200, landedStatus.get());
		broker.awaitRegistry(s -> s.connection("slack") != null);
		String key = broker.createAgent("bot", "slack");
		assertEquals(200, agentGet(key, "/slack/conversations.list").statusCode());
		assertEquals("Bearer " + provider.currentAccessTokens().getFirst(), lastApiAuthorization());
		assertEquals(Providers.SLACK, connected.connection().provider());
	}

	@Test
	@DisplayName("Device flow (RFC 8628): the code is shown, polling waits for approval, the connection is stored")
	void deviceFlow() {
		provider.deviceInterval(Duration.ZERO).autoApproveDeviceAfterPolls(2);
		AtomicReference<TokenEndpoint.DeviceAuthorization> shown = new AtomicReference<>();
		OAuthConnector.Connected connected = connector(Browser.NONE).prepare(github("gh", true, false, provider.apiBaseUrl()))
				.run(new OAuthConnector.Progress() {
					@Override
					public void deviceCode(TokenEndpoint.DeviceAuthorization device, boolean opened) {
						shown.set(device);
						assertFalse(opened);
					}
				});
		assertTrue(shown.get().userCode().matches("[A-Z]{4}-[A-Z]{4}"), shown.get().userCode());
		assertEquals("octocat", connected.identity());
		assertTrue(provider.tokenCalls() >= 3, "pending, pending, granted");
	}

	@Test
	@DisplayName("End to end in a real browser: headless Chromium approves, the listener answers, the agent's call carries the token")
	void inHeadlessChromium() {
		HeadlessChromium.require();
		AtomicReference<String> dom = new AtomicReference<>();
		OAuthConnector.Connected connected = connector(url -> {
			dom.set(HeadlessChromium.dumpDom(url));
			return true;
		}).prepare(github("gh", false, false, provider.apiBaseUrl())).run(new OAuthConnector.Progress() {
		});
		assertTrue(dom.get().contains("You can close this tab"), dom.get());
		assertEquals("octocat", connected.identity());
		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		assertEquals(200, agentGet(key, "/gh/user").statusCode());
		assertEquals("Bearer " + provider.currentAccessTokens().getFirst(), lastApiAuthorization());
	}

	@Nested
	@DisplayName("Attacks on the sign-in: each refused, nothing stored")
	class Attacks {
		private OAuthConnector.Attempt attempt;

		private void assertNothingStored() {
			assertTrue(broker.broker.connections().list().isEmpty());
			assertEquals(0, provider.tokenCalls(), "no code was exchanged");
		}

		/** Runs a sign-in whose browser step is {@code browser}; the browser cancels once it has seen the listener's answer. */
		private AmkException signInWith(Function<String, String> tamper) {
			attempt = connector(url -> {
				followLikeABrowser(tamper.apply(url));
				attempt.cancel();
				return true;
			}).prepare(github("gh", false, false, provider.apiBaseUrl()));
			return assertThrows(AmkException.class, () -> attempt.run(new OAuthConnector.Progress() {
			}));
		}

		@Test
		void aWrongStateIsRefused() {
			AmkException e = signInWith(url -> url.replaceFirst("state=[^&]+", "state=forged"));
			assertEquals("oauth_cancelled", e.type());
			assertEquals(400, landedStatus.get());
			assertNothingStored();
		}

		@Test
		void aRedirectWithAnExtraPathIsRefused() {
			provider.setRedirectExtraPath("/extra");
			AmkException e = signInWith(url -> url);
			assertEquals("oauth_cancelled", e.type());
			assertEquals(404, landedStatus.get());
			assertTrue(landedOn.get().contains("/callback/extra"), landedOn.get());
			assertNothingStored();
		}

		@Test
		void aSecondRequestAfterSuccessIsRefused() {
			connectGitHub("gh");
			String redirect = landedOn.get();
			int tokenCalls = provider.tokenCalls();
			assertThrows(IOException.class, () -> browserHttp.newCall(new okhttp3.Request.Builder().url(redirect).build()).execute().close(),
					"the one-shot listener is gone once the sign-in is over");
			assertEquals(tokenCalls, provider.tokenCalls());
			assertEquals(1, broker.broker.connections().list().size());
		}

		@Test
		void aReplayedCodeIsRefusedWhileTheListenerStillRuns() {
			AtomicReference<Integer> replayStatus = new AtomicReference<>();
			OAuthConnector.Connected connected = connector(url -> {
				followLikeABrowser(url);
				try (okhttp3.Response again = browserHttp.newCall(new okhttp3.Request.Builder().url(landedOn.get()).build()).execute()) {
					replayStatus.set(again.code());
				} catch (IOException e) {
					throw new AssertionError(e);
				}
				return true;
			}).prepare(github("gh", false, false, provider.apiBaseUrl())).run(new OAuthConnector.Progress() {
			});
			assertEquals(410, replayStatus.get());
			assertEquals("octocat", connected.identity());
			assertEquals(1, provider.tokenCalls(), "the code was exchanged once");
		}

		@Test
		void anInjectedCodeFailsPkceBecauseTheAttackerHasNoVerifier() {
			// The attacker starts their own authorization (their own PKCE challenge) and slips its code into our redirect.
			Pkce attackers = Pkce.generate();
			String attackerAuthorize = provider.authorizeUrl() + "?response_type=code&client_id=" + CLIENT_ID
					+ "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=x&code_challenge=" + attackers.challenge()
					+ "&code_challenge_method=S256";
			String stolenCode;
			try (okhttp3.Response r = new OkHttpClient.Builder().followRedirects(false).build()
					.newCall(new okhttp3.Request.Builder().url(attackerAuthorize).build()).execute()) {
				stolenCode = okhttp3.HttpUrl.get(URI.create(r.header("Location")).toString()).queryParameter("code");
			} catch (IOException e) {
				throw new AssertionError(e);
			}
			attempt = connector(url -> {
				okhttp3.HttpUrl ours = okhttp3.HttpUrl.get(url);
				String redirect = ours.queryParameter("redirect_uri") + "?code=" + stolenCode + "&state=" + ours.queryParameter("state");
				followLikeABrowser(redirect);
				return true;
			}).prepare(github("gh", false, false, provider.apiBaseUrl()));
			AmkException e = assertThrows(AmkException.class, () -> attempt.run(new OAuthConnector.Progress() {
			}));
			assertTrue(e.type().startsWith("oauth_"), e.type());
			assertTrue(broker.broker.connections().list().isEmpty());
		}
	}

	@Nested
	@DisplayName("Bad requests are refused before a browser opens")
	class Validation {
		private final Browser mustNotOpen = url -> {
			throw new AssertionError("a browser opened for a request that should have been refused: " + url);
		};

		private AmkException refused(OAuthConnector.Request request) {
			return assertThrows(AmkException.class, () -> connector(mustNotOpen).prepare(request));
		}

		@Test
		void eachMistakeSaysWhatToDo() {
			assertTrue(refused(new OAuthConnector.Request("gh", Providers.GITHUB, " ", null, null, null, null, null, null, null, false, true, false))
					.getMessage().contains("https://github.com/settings/developers"));
			assertTrue(refused(new OAuthConnector.Request("x", Providers.OAUTH, "id", null, null, "https://a.example/authorize",
					"http://a.example/token", null, null, "https://api.example", false, true, false)).getMessage().contains("https"));
			AmkException noBase = refused(new OAuthConnector.Request("x", Providers.OAUTH, "id", null, null, "https://a.example/authorize",
					"https://a.example/token", null, null, null, false, true, false));
			assertEquals(InvalidInput.Field.BASE_URL, ((InvalidInput) noBase).field(), "the CLI words it as --base-url, the app as its field");
			assertTrue(refused(new OAuthConnector.Request("s", Providers.SLACK, "id", null, null, null, null, null, null, null, true, true, false))
					.getMessage().contains("no device sign-in"));
			assertEquals("invalid_argument", refused(new OAuthConnector.Request("o", Providers.OPENAI, "id", null, null, null, null, null, null,
					null, false, true, false)).type());
			assertTrue(refused(new OAuthConnector.Request("gh", Providers.GITHUB, "id", null, List.of("repo\"x"), null, null, null, null, null,
					false, true, false)).getMessage().contains("scope"));
			assertEquals("not_found", refused(github("nope", false, true, null)).type());
		}

		@Test
		void aTakenNameIsRefusedBeforeTheSignIn() {
			broker.addConnection("gh", "custom", provider.apiBaseUrl(), "key", "--header", "X-Key");
			assertEquals("already_exists", refused(github("gh", false, false, null)).type());
		}
	}
}
