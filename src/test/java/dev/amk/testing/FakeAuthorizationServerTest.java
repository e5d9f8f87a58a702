package dev.amk.testing;

import dev.amk.common.Json;
import dev.amk.testing.FakeAuthorizationServer.ApiRequest;
import dev.amk.testing.FakeAuthorizationServer.Mode;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake authorization server, driven over real sockets as the broker will drive it. */
class FakeAuthorizationServerTest {
	static final String PUBLIC = "public-app";
	static final String CONFIDENTIAL = "confidential-app";
	static final String SECRET = "s3cret:with/odd chars";
	static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

	final FakeAuthorizationServer as = FakeAuthorizationServer.start().registerClient(PUBLIC, null).registerClient(CONFIDENTIAL, SECRET);
	final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).build();
	final String redirectUri = "http://127.0.0.1:49152/callback";

	/** A response read to the end: status, headers we look at, and the JSON body if there is one. */
	record Reply(int status, String body, Response raw) {
		Map<String, Object> json() {
			return Json.readObject(body);
		}

		String get(String field) {
			return (String) json().get(field);
		}

		String header(String name) {
			return raw.header(name);
		}
	}

	@AfterEach
	void stop() {
		as.close();
	}

	// --- HTTP helpers

	Reply send(Request request) {
		try (Response r = http.newCall(request).execute()) {
			return new Reply(r.code(), r.body().string(), r);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	Reply post(String url, String basicAuthOrNull, String... fields) {
		FormBody.Builder form = new FormBody.Builder();
		for (int i = 0; i < fields.length; i += 2) {
			form.add(fields[i], fields[i + 1]);
		}
		Request.Builder request = new Request.Builder().url(url).post(form.build());
		return send(basicAuthOrNull == null ? request.build() : request.header("Authorization", basicAuthOrNull).build());
	}

	Reply get(String url) {
		return send(new Request.Builder().url(url).build());
	}

	Reply api(String method, String path, String accessTokenOrNull) {
		Request.Builder request = new Request.Builder().url(as.apiBaseUrl() + path)
				.method(method, method.equals("GET") ? null : RequestBody.create(new byte[0]));
		return send(accessTokenOrNull == null ? request.build() : request.header("Authorization", "Bearer " + accessTokenOrNull).build());
	}

	static String s256(String verifier) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

	/** The authorize URL a well-behaved client builds for {@link #VERIFIER}; extra pairs override or add parameters. */
	HttpUrl authorizeUrl(String... overrides) throws Exception {
		HttpUrl.Builder url = HttpUrl.get(as.authorizeUrl()).newBuilder().addQueryParameter("response_type", "code")
				.addQueryParameter("client_id", PUBLIC).addQueryParameter("redirect_uri", redirectUri)
				.addQueryParameter("scope", "repo user").addQueryParameter("state", "st-1")
				.addQueryParameter("code_challenge", s256(VERIFIER)).addQueryParameter("code_challenge_method", "S256");
		for (int i = 0; i < overrides.length; i += 2) {
			url = overrides[i + 1] == null ? url.removeAllQueryParameters(overrides[i]) : url.setQueryParameter(overrides[i], overrides[i + 1]);
		}
		return url.build();
	}

	/** The redirect /authorize answered with. */
	HttpUrl authorizeRedirect(String... overrides) throws Exception {
		Reply r = get(authorizeUrl(overrides).toString());
		assertEquals(302, r.status(), r.body());
		return HttpUrl.get(r.header("Location"));
	}

	String code() throws Exception {
		return authorizeRedirect().queryParameter("code");
	}

	Reply redeem(String code, String verifier) {
		return post(as.tokenUrl(), null, "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
				"client_id", PUBLIC, "code_verifier", verifier);
	}

	/** Tokens for the public client through the code flow. */
	Reply tokens() throws Exception {
		Reply r = redeem(code(), VERIFIER);
		assertEquals(200, r.status(), r.body());
		return r;
	}

	Reply refresh(String refreshToken, String... extra) {
		List<String> fields = new ArrayList<>(List.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", PUBLIC));
		fields.addAll(List.of(extra));
		return post(as.tokenUrl(), null, fields.toArray(String[]::new));
	}

	static void assertError(int status, String error, Reply r) {
		assertEquals(status, r.status(), r.body());
		assertEquals(error, r.get("error"), r.body());
	}

	// --- authorization code with PKCE

	@Test
	@DisplayName("the endpoints hang off one loopback base URL on an ephemeral port")
	void addresses() {
		assertTrue(as.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), as.baseUrl());
		assertEquals(as.baseUrl() + "/authorize", as.authorizeUrl());
		assertEquals(as.baseUrl() + "/token", as.tokenUrl());
		assertEquals(as.baseUrl() + "/device/code", as.deviceAuthorizationUrl());
		assertEquals(as.baseUrl() + "/revoke", as.revokeUrl());
		assertEquals(as.baseUrl() + "/api", as.apiBaseUrl());
		try (FakeAuthorizationServer other = FakeAuthorizationServer.start()) {
			assertNotEquals(as.baseUrl(), other.baseUrl());
		}
	}

	@Test
	@DisplayName("authorize redirects with a code and the state; the code and a verifier buy a bearer token that opens the API")
	void pkceCodeFlow() throws Exception {
		HttpUrl location = authorizeRedirect();
		assertEquals("http://127.0.0.1:49152/callback", location.newBuilder().query(null).build().toString());
		assertEquals("st-1", location.queryParameter("state"));
		String code = location.queryParameter("code");
		assertEquals(as.lastIssuedCode(), code);
		assertTrue(code.startsWith("fake-code-"), code);
		Map<String, String> seen = as.authorizeRequests().getFirst();
		assertEquals(s256(VERIFIER), seen.get("code_challenge"));
		assertEquals("repo user", seen.get("scope"));

		Reply r = redeem(code, VERIFIER);
		assertEquals(200, r.status(), r.body());
		assertEquals("application/json", r.header("Content-Type"));
		assertEquals("no-store", r.header("Cache-Control"));
		assertEquals("Bearer", r.get("token_type"));
		assertEquals(3600, ((Number) r.json().get("expires_in")).intValue());
		assertEquals("repo user", r.get("scope"));
		assertTrue(r.get("access_token").startsWith("fake-at-"));
		assertTrue(r.get("refresh_token").startsWith("fake-rt-"));
		assertEquals(List.of(r.get("access_token")), as.currentAccessTokens());

		Reply user = api("GET", "/user", r.get("access_token"));
		assertEquals(200, user.status(), user.body());
		assertEquals(Map.of("login", "octocat", "email", "octocat@example.com", "name", "The Octocat"), user.json());
		Reply other = api("DELETE", "/repos/x/y", r.get("access_token"));
		assertEquals(Map.of("ok", true, "method", "DELETE", "path", "/api/repos/x/y"), other.json());
		assertEquals(List.of(new ApiRequest("GET", "/api/user", "Bearer " + r.get("access_token")),
				new ApiRequest("DELETE", "/api/repos/x/y", "Bearer " + r.get("access_token"))), as.apiRequests());
		assertEquals(2, as.apiCalls());
	}

	@ParameterizedTest
	@ValueSource(strings = {"http://localhost:49152/callback", "https://127.0.0.1:49152/callback", "http://127.0.0.1/callback",
			"http://127.0.0.1:49152", "http://127.0.0.1:49152/cb#frag", "http://evil@127.0.0.1:49152/cb", "http://127.0.0.2:49152/cb",
			"http://127.0.0.1:49152@evil.example/cb", "urn:ietf:wg:oauth:2.0:oob"})
	@DisplayName("a redirect URI other than http://127.0.0.1:<port>/<path> gets a 400 page, never a redirect")
	void refusesNonLoopbackRedirects(String uri) throws Exception {
		Reply r = get(authorizeUrl("redirect_uri", uri).toString());
		assertEquals(400, r.status());
		assertNull(r.header("Location"));
		assertTrue(r.header("Content-Type").startsWith("text/html"));
		assertNull(as.lastIssuedCode());
	}

	@Test
	@DisplayName("any loopback port is accepted (RFC 8252 §7.3); an unknown client gets a page, not a redirect")
	void anyPortUnknownClient() throws Exception {
		assertEquals(65000, authorizeRedirect("redirect_uri", "http://127.0.0.1:65000/x").port());
		Reply r = get(authorizeUrl("client_id", "stranger").toString());
		assertEquals(400, r.status());
		assertNull(r.header("Location"));
	}

	@Test
	@DisplayName("no PKCE, plain PKCE, no state or another response type are sent back as errors, with the state")
	void authorizeErrorsRedirect() throws Exception {
		for (String[] bad : List.of(new String[] {"code_challenge_method", "plain"}, new String[] {"code_challenge_method", null},
				new String[] {"code_challenge", null})) {
			HttpUrl location = authorizeRedirect(bad);
			assertEquals("invalid_request", location.queryParameter("error"), String.join("=", bad));
			assertEquals("st-1", location.queryParameter("state"));
			assertNull(location.queryParameter("code"));
		}
		assertEquals("invalid_request", authorizeRedirect("state", null).queryParameter("error"));
		assertEquals("unsupported_response_type", authorizeRedirect("response_type", "token").queryParameter("error"));
		assertNull(as.lastIssuedCode());
		assertEquals(5, as.authorizeRequests().size());
	}

	@Test
	@DisplayName("in DENY mode the user refuses: access_denied with the state")
	void deny() throws Exception {
		as.authorizeMode(Mode.DENY);
		HttpUrl location = authorizeRedirect();
		assertEquals("access_denied", location.queryParameter("error"));
		assertEquals("st-1", location.queryParameter("state"));
		assertEquals(Set.of("error", "state"), location.queryParameterNames());
	}

	@Test
	@DisplayName("the granted scope can differ from the requested one")
	void grantScopes() throws Exception {
		as.grantScopes("read:user");
		assertEquals("read:user", tokens().get("scope"));
	}

	@Test
	@DisplayName("the extra redirect path is appended to the registered path, the redirect URI's own query kept")
	void redirectExtraPath() throws Exception {
		as.setRedirectExtraPath("/../evil");
		Reply r = get(authorizeUrl("redirect_uri", "http://127.0.0.1:49152/callback?app=1").toString());
		String location = r.header("Location");
		assertTrue(location.startsWith("http://127.0.0.1:49152/callback/../evil?app=1&code="), location);
	}

	@Test
	@DisplayName("a wrong verifier or redirect URI is invalid_grant, a missing verifier invalid_request, and no tokens result")
	void redeemErrors() throws Exception {
		assertError(400, "invalid_request", post(as.tokenUrl(), null, "grant_type", "authorization_code", "code", code(),
				"redirect_uri", redirectUri, "client_id", PUBLIC));
		assertError(400, "invalid_grant", redeem(code(), VERIFIER.replace('d', 'e')));
		assertError(400, "invalid_grant", post(as.tokenUrl(), null, "grant_type", "authorization_code", "code", code(),
				"redirect_uri", "http://127.0.0.1:49153/callback", "client_id", PUBLIC, "code_verifier", VERIFIER));
		assertError(400, "invalid_grant", redeem("fake-code-never-issued", VERIFIER));
		assertTrue(as.issuedAccessTokens().isEmpty());
		assertEquals(4, as.tokenCalls());
	}

	@Test
	@DisplayName("a replayed code is refused and every token issued from it is revoked (RFC 6749 §4.1.2)")
	void replayedCodeRevokes() throws Exception {
		String code = code();
		Reply first = redeem(code, VERIFIER);
		assertEquals(200, first.status());
		Reply unrelated = tokens();
		assertError(400, "invalid_grant", redeem(code, VERIFIER));
		assertEquals(401, api("GET", "/user", first.get("access_token")).status());
		assertError(400, "invalid_grant", refresh(first.get("refresh_token")));
		assertEquals(List.of(unrelated.get("access_token")), as.currentAccessTokens());
	}

	// --- client authentication

	@Test
	@DisplayName("a confidential client authenticates with client_secret_basic or client_secret_post; a wrong or missing secret is 401")
	void confidentialClient() throws Exception {
		String code1 = authorizeRedirect("client_id", CONFIDENTIAL).queryParameter("code");
		String basic = Credentials.basic(URLEncoder.encode(CONFIDENTIAL, StandardCharsets.UTF_8), URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
		Reply viaBasic = post(as.tokenUrl(), basic, "grant_type", "authorization_code", "code", code1, "redirect_uri", redirectUri,
				"code_verifier", VERIFIER);
		assertEquals(200, viaBasic.status(), viaBasic.body());
		Reply viaPost = post(as.tokenUrl(), null, "grant_type", "refresh_token", "refresh_token", viaBasic.get("refresh_token"),
				"client_id", CONFIDENTIAL, "client_secret", SECRET);
		assertEquals(200, viaPost.status(), viaPost.body());

		String rt = viaPost.get("refresh_token");
		Reply wrong = post(as.tokenUrl(), null, "grant_type", "refresh_token", "refresh_token", rt, "client_id", CONFIDENTIAL, "client_secret", "nope");
		assertError(401, "invalid_client", wrong);
		assertTrue(wrong.header("WWW-Authenticate").startsWith("Basic"));
		assertError(401, "invalid_client", post(as.tokenUrl(), null, "grant_type", "refresh_token", "refresh_token", rt, "client_id", CONFIDENTIAL));
		assertError(401, "invalid_client", post(as.tokenUrl(), Credentials.basic(CONFIDENTIAL, "nope"), "grant_type", "refresh_token", "refresh_token", rt));
		assertError(400, "invalid_request", post(as.tokenUrl(), basic, "grant_type", "refresh_token", "refresh_token", rt,
				"client_secret", SECRET)); // two methods at once
		assertError(401, "invalid_client", post(as.tokenUrl(), null, "grant_type", "refresh_token", "refresh_token", rt, "client_id", "stranger"));
		assertEquals(200, post(as.tokenUrl(), basic, "grant_type", "refresh_token", "refresh_token", rt).status(), "the failures used nothing up");
	}

	@Test
	@DisplayName("a public client that sends a secret is refused")
	void publicClientMustNotSendSecret() throws Exception {
		String rt = tokens().get("refresh_token");
		assertError(401, "invalid_client", refresh(rt, "client_secret", "anything"));
		assertError(401, "invalid_client", post(as.tokenUrl(), Credentials.basic(PUBLIC, "x"), "grant_type", "refresh_token", "refresh_token", rt));
		assertEquals(200, refresh(rt).status());
	}

	@Test
	@DisplayName("an unknown grant type, a non-form body and a repeated parameter are refused")
	void malformedTokenRequests() {
		assertError(400, "unsupported_grant_type", post(as.tokenUrl(), null, "grant_type", "password", "client_id", PUBLIC));
		assertError(400, "unsupported_grant_type", post(as.tokenUrl(), null, "client_id", PUBLIC));
		Reply json = send(new Request.Builder().url(as.tokenUrl()).post(RequestBody.create("{\"grant_type\":\"refresh_token\"}",
				MediaType.get("application/json"))).build());
		assertError(400, "invalid_request", json);
		assertError(400, "invalid_request", post(as.tokenUrl(), null, "grant_type", "refresh_token", "client_id", PUBLIC, "client_id", PUBLIC));
		assertEquals(4, as.tokenCalls());
	}

	// --- refresh

	@Test
	@DisplayName("refresh rotates: new tokens, and the used refresh token is invalid_grant from then on; every attempt is counted")
	void refreshRotates() throws Exception {
		Reply first = tokens();
		Reply second = refresh(first.get("refresh_token"));
		assertEquals(200, second.status(), second.body());
		assertNotEquals(first.get("access_token"), second.get("access_token"));
		assertNotEquals(first.get("refresh_token"), second.get("refresh_token"));
		assertEquals("repo user", second.get("scope"));
		assertError(400, "invalid_grant", refresh(first.get("refresh_token")));
		assertEquals(200, refresh(second.get("refresh_token")).status());
		assertEquals(3, as.refreshCalls());
		assertEquals(4, as.tokenCalls());
		assertEquals(3, as.issuedAccessTokens().size());
		assertEquals(3, as.currentAccessTokens().size(), "earlier access tokens stay valid until they expire");
	}

	@Test
	@DisplayName("without rotation the response carries no refresh token and the old one keeps working")
	void refreshWithoutRotation() throws Exception {
		as.rotateRefreshTokens(false);
		String rt = tokens().get("refresh_token");
		Reply r = refresh(rt);
		assertEquals(200, r.status());
		assertFalse(r.json().containsKey("refresh_token"));
		assertEquals(200, refresh(rt).status());
	}

	@Test
	@DisplayName("a refresh may narrow the scope but not widen it")
	void refreshScope() throws Exception {
		String rt = tokens().get("refresh_token");
		assertError(400, "invalid_scope", refresh(rt, "scope", "repo admin"));
		Reply narrowed = refresh(rt, "scope", "repo");
		assertEquals("repo", narrowed.get("scope"));
		assertEquals("repo user", refresh(narrowed.get("refresh_token")).get("scope"), "the grant keeps its full scope");
	}

	@Test
	@DisplayName("rejectRefresh refuses every refresh with invalid_grant, and still counts them")
	void rejectRefresh() throws Exception {
		String rt = tokens().get("refresh_token");
		as.rejectRefresh(true);
		assertError(400, "invalid_grant", refresh(rt));
		assertError(400, "invalid_grant", refresh("fake-rt-unknown"));
		assertEquals(2, as.refreshCalls());
		as.rejectRefresh(false);
		assertEquals(200, refresh(rt).status());
	}

	@Test
	@DisplayName("issueRefreshTokens(false): access tokens only")
	void noRefreshTokens() throws Exception {
		as.issueRefreshTokens(false);
		assertFalse(tokens().json().containsKey("refresh_token"));
	}

	@Test
	@DisplayName("refreshDelay holds each refresh answer at least that long; expires_in follows accessTokenLifetime")
	void refreshDelayAndLifetime() throws Exception {
		String rt = tokens().get("refresh_token");
		as.refreshDelay(Duration.ofMillis(300)).accessTokenLifetime(Duration.ofSeconds(5));
		long start = System.nanoTime();
		Reply r = refresh(rt);
		assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
		assertEquals(5, ((Number) r.json().get("expires_in")).intValue());
	}

	@Test
	@DisplayName("50 concurrent refreshes of one rotating token: exactly one wins, all 50 are counted")
	void concurrentRefreshes() throws Exception {
		String rt = tokens().get("refresh_token");
		as.refreshDelay(Duration.ofMillis(50));
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Integer>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 50; i++) {
				results.add(pool.submit(() -> {
					go.await();
					return refresh(rt).status();
				}));
			}
			go.countDown();
			int ok = 0;
			for (Future<Integer> f : results) {
				ok += f.get() == 200 ? 1 : 0;
			}
			assertEquals(1, ok);
		}
		assertEquals(50, as.refreshCalls());
		assertEquals(2, as.currentAccessTokens().size());
	}

	@Test
	@DisplayName("50 concurrent code flows all succeed, each with its own distinct tokens")
	void concurrentCodeFlows() throws Exception {
		List<Future<String>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 50; i++) {
				results.add(pool.submit(() -> tokens().get("access_token")));
			}
			for (Future<String> f : results) {
				assertEquals(200, api("GET", "/user", f.get()).status());
			}
		}
		assertEquals(50, as.currentAccessTokens().stream().distinct().count());
	}

	// --- device authorization

	Reply deviceCode(String clientId) {
		Reply r = post(as.deviceAuthorizationUrl(), null, "client_id", clientId, "scope", "repo");
		assertEquals(200, r.status(), r.body());
		return r;
	}

	Reply poll(String deviceCode) {
		return post(as.tokenUrl(), null, "grant_type", DEVICE_GRANT, "device_code", deviceCode, "client_id", PUBLIC);
	}

	@Test
	@DisplayName("device flow: pending, slow_down when polled too fast, then tokens once approved")
	void deviceFlow() {
		as.deviceInterval(Duration.ofHours(1));
		Reply dc = deviceCode(PUBLIC);
		String userCode = dc.get("user_code");
		assertTrue(userCode.matches("[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}"), userCode);
		assertEquals(as.baseUrl() + "/device", dc.get("verification_uri"));
		assertEquals(as.baseUrl() + "/device?user_code=" + userCode, dc.get("verification_uri_complete"));
		assertEquals(600, ((Number) dc.json().get("expires_in")).intValue());
		assertEquals(3600, ((Number) dc.json().get("interval")).intValue());

		String deviceCode = dc.get("device_code");
		assertError(400, "authorization_pending", poll(deviceCode));
		assertError(400, "slow_down", poll(deviceCode));
		as.deviceInterval(Duration.ZERO);
		assertError(400, "authorization_pending", poll(deviceCode));
		as.approveDevice(userCode);
		Reply tokens = poll(deviceCode);
		assertEquals(200, tokens.status(), tokens.body());
		assertEquals("repo", tokens.get("scope"));
		assertEquals(200, api("GET", "/user", tokens.get("access_token")).status());
		assertError(400, "invalid_grant", poll(deviceCode));
	}

	@Test
	@DisplayName("the default interval is 1 s; opening verification_uri_complete approves the device")
	void deviceApprovalPage() {
		Reply dc = deviceCode(PUBLIC);
		assertEquals(1, ((Number) dc.json().get("interval")).intValue());
		as.deviceInterval(Duration.ZERO);
		assertError(400, "authorization_pending", poll(dc.get("device_code")));
		Reply page = get(dc.get("verification_uri_complete"));
		assertEquals(200, page.status());
		assertTrue(page.body().contains("Device approved"));
		assertEquals(200, poll(dc.get("device_code")).status());
		assertEquals(404, get(as.baseUrl() + "/device?user_code=BBBB-BBBB").status());
	}

	@Test
	@DisplayName("a denied device code is access_denied; an expired one expired_token; auto-approval after n polls")
	void deviceDenyExpireAutoApprove() {
		as.deviceInterval(Duration.ZERO);
		Reply denied = deviceCode(PUBLIC);
		as.denyDevice(denied.get("user_code"));
		assertError(400, "access_denied", poll(denied.get("device_code")));

		Reply expired = deviceCode(PUBLIC);
		as.expireDeviceCodes();
		assertError(400, "expired_token", poll(expired.get("device_code")));

		as.autoApproveDeviceAfterPolls(2);
		Reply auto = deviceCode(PUBLIC);
		assertError(400, "authorization_pending", poll(auto.get("device_code")));
		assertError(400, "authorization_pending", poll(auto.get("device_code")));
		assertEquals(200, poll(auto.get("device_code")).status());

		assertThrows(IllegalArgumentException.class, () -> as.approveDevice("NOPE-NOPE"));
	}

	@Test
	@DisplayName("device codes are bound to their client and need client authentication")
	void deviceClientBinding() {
		as.deviceInterval(Duration.ZERO);
		assertError(401, "invalid_client", post(as.deviceAuthorizationUrl(), null, "client_id", CONFIDENTIAL));
		Reply dc = deviceCode(PUBLIC);
		as.approveDevice(dc.get("user_code"));
		assertError(401, "invalid_client", post(as.tokenUrl(), null, "grant_type", DEVICE_GRANT, "device_code", dc.get("device_code")));
		assertError(400, "invalid_grant", post(as.tokenUrl(), null, "grant_type", DEVICE_GRANT, "device_code", dc.get("device_code"),
				"client_id", CONFIDENTIAL, "client_secret", SECRET));
		assertEquals(200, poll(dc.get("device_code")).status());
	}

	// --- revocation and the API

	@Test
	@DisplayName("revoking an access token closes the API to it; revoking a refresh token ends its access tokens too")
	void revoke() throws Exception {
		Reply a = tokens();
		Reply b = tokens();
		Reply r = post(as.revokeUrl(), null, "token", a.get("access_token"), "token_type_hint", "access_token", "client_id", PUBLIC);
		assertEquals(200, r.status());
		assertEquals(401, api("GET", "/user", a.get("access_token")).status());
		assertEquals(200, refresh(a.get("refresh_token")).status(), "revoking the access token left the refresh token alone");

		assertEquals(200, post(as.revokeUrl(), null, "token", b.get("refresh_token"), "client_id", PUBLIC).status());
		assertEquals(401, api("GET", "/user", b.get("access_token")).status());
		assertError(400, "invalid_grant", refresh(b.get("refresh_token")));

		assertEquals(200, post(as.revokeUrl(), null, "token", "fake-at-unknown", "client_id", PUBLIC).status());
		assertError(401, "invalid_client", post(as.revokeUrl(), null, "token", "x", "client_id", "stranger"));
		assertEquals(List.of(a.get("access_token"), b.get("refresh_token"), "fake-at-unknown"), as.revokedTokens());
	}

	@Test
	@DisplayName("a client cannot revoke another client's token")
	void revokeOnlyOwnTokens() throws Exception {
		String at = tokens().get("access_token");
		assertEquals(200, post(as.revokeUrl(), null, "token", at, "client_id", CONFIDENTIAL, "client_secret", SECRET).status());
		assertEquals(200, api("GET", "/user", at).status());
	}

	@Test
	@DisplayName("the API answers 401 Bad credentials with WWW-Authenticate for no, unknown, refresh or doubled tokens")
	void apiRefusesBadTokens() throws Exception {
		Reply t = tokens();
		for (String token : new String[] {null, "fake-at-unknown", t.get("refresh_token")}) {
			Reply r = api("GET", "/user", token);
			assertEquals(401, r.status());
			assertEquals(Map.of("message", "Bad credentials"), r.json());
			assertEquals("Bearer error=\"invalid_token\"", r.header("WWW-Authenticate"));
		}
		Reply doubled = send(new Request.Builder().url(as.apiBaseUrl() + "/user").addHeader("Authorization", "Bearer " + t.get("access_token"))
				.addHeader("Authorization", "Bearer " + t.get("access_token")).build());
		assertEquals(401, doubled.status());
		assertNull(as.apiRequests().getFirst().authorization());
		assertEquals(4, as.apiCalls());
		assertEquals(404, get(as.baseUrl() + "/api").status(), "only paths under /api/ are the API");
	}

	@Test
	@DisplayName("expireAccessTokens closes the API to every token so far, and a refresh opens it again; revokeAll ends everything")
	void expireAndRevokeAll() throws Exception {
		Reply t = tokens();
		as.expireAccessTokens();
		assertEquals(401, api("GET", "/user", t.get("access_token")).status());
		assertTrue(as.currentAccessTokens().isEmpty());
		assertEquals(List.of(t.get("access_token")), as.issuedAccessTokens());
		Reply fresh = refresh(t.get("refresh_token"));
		assertEquals(200, api("GET", "/user", fresh.get("access_token")).status());

		as.revokeAll();
		assertEquals(401, api("GET", "/user", fresh.get("access_token")).status());
		assertError(400, "invalid_grant", refresh(fresh.get("refresh_token")));
	}
}
