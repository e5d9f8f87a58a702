package dev.amk.testing;

import dev.amk.common.Json;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OAuth 2.0 authorization server on 127.0.0.1, plus the provider API its tokens open, for tests that drive
 * the broker's connect flows over real sockets: authorization code with PKCE (RFC 6749 §4.1, RFC 7636) to loopback
 * redirects (RFC 8252), refresh (RFC 6749 §6), device authorization (RFC 8628), revocation (RFC 7009) and bearer
 * tokens (RFC 6750). It is strict where a careless client would get away with something, and it exposes what it
 * saw and issued so tests can assert on the server's side of the story. Tokens never expire on a clock: tests
 * expire and revoke them by hand. Thread-safe: grant and token state changes under one lock, recordings are
 * concurrent lists, controls are volatile.
 */
public final class FakeAuthorizationServer implements AutoCloseable {
	/** What /authorize answers once the request is valid: the user approves, or denies (RFC 6749 §4.1.2.1). */
	public enum Mode {
		APPROVE, DENY
	}

	/** One request to the protected API; {@code authorization} joins repeated headers with ", ", null when absent. */
	public record ApiRequest(String method, String path, String authorization) {
	}

	private record Client(String id, String secret) {
	}

	private record Code(String clientId, String redirectUri, String challenge, String scope) {
	}

	/** A token belongs to a grant (an authorization code or a device code); revoking a grant kills all its tokens. */
	private record Token(String value, boolean refresh, String grant, String clientId) {
	}

	private static final class Device {
		final String deviceCode, userCode, clientId, scope;
		final long issuedNanos = System.nanoTime();
		long lastPollNanos;
		int polls;
		boolean approved, denied, expired, redeemed;

		Device(String deviceCode, String userCode, String clientId, String scope) {
			this.deviceCode = deviceCode;
			this.userCode = userCode;
			this.clientId = clientId;
			this.scope = scope;
		}
	}

	/** An error response of the token, device and revocation endpoints (RFC 6749 §5.2). */
	private static final class OAuthError extends RuntimeException {
		final int status;
		final String error;

		OAuthError(int status, String error, String description) {
			super(description, null, false, false);
			this.status = status;
			this.error = error;
		}
	}

	private static final SecureRandom RANDOM = new SecureRandom();
	private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"; // RFC 8628 §6.1: no vowels, so no words
	private static final Duration DEVICE_CODE_LIFETIME = Duration.ofSeconds(600);

	private final MockWebServer server = new MockWebServer();
	private final Map<String, Client> clients = new ConcurrentHashMap<>();
	private final Object lock = new Object();
	private final Map<String, Code> codes = new HashMap<>(); // issued, not yet presented; guarded by lock
	private final Set<String> presentedCodes = new HashSet<>(); // guarded by lock
	private final Map<String, Token> tokens = new HashMap<>(); // every token ever issued; guarded by lock
	private final Set<String> dead = new HashSet<>(); // revoked, rotated away or expired by hand; guarded by lock
	private final Map<String, String> grantScopes = new HashMap<>(); // grant -> scope granted; guarded by lock
	private final Map<String, Device> devices = new HashMap<>(); // by device_code; guarded by lock
	private final Map<String, Device> userCodes = new HashMap<>(); // by user_code; guarded by lock

	private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
	private final List<String> issuedAccessTokens = new CopyOnWriteArrayList<>();
	private final List<String> revokedTokens = new CopyOnWriteArrayList<>();
	private final List<ApiRequest> apiRequests = new CopyOnWriteArrayList<>();
	private final AtomicInteger tokenCalls = new AtomicInteger();
	private final AtomicInteger refreshCalls = new AtomicInteger();

	private volatile Mode mode = Mode.APPROVE;
	private volatile String grantScopesOverride;
	private volatile String redirectExtraPath = "";
	private volatile String lastIssuedCode;
	private volatile boolean issueRefreshTokens = true;
	private volatile boolean rotateRefreshTokens = true;
	private volatile boolean rejectRefresh;
	private volatile Duration refreshDelay = Duration.ZERO;
	private volatile Duration accessTokenLifetime = Duration.ofSeconds(3600);
	private volatile Duration deviceInterval = Duration.ofSeconds(1);
	private volatile int autoApproveDeviceAfterPolls = -1;

	private FakeAuthorizationServer() {
		server.setServerSocketFactory(new NoDelayServerSockets());
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				return FakeAuthorizationServer.this.dispatch(request);
			}
		});
	}

	public static FakeAuthorizationServer start() {
		FakeAuthorizationServer fake = new FakeAuthorizationServer();
		try {
			fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return fake;
	}

	// --- addresses

	public String baseUrl() {
		return "http://127.0.0.1:" + server.getPort();
	}

	public String authorizeUrl() {
		return baseUrl() + "/authorize";
	}

	public String tokenUrl() {
		return baseUrl() + "/token";
	}

	public String deviceAuthorizationUrl() {
		return baseUrl() + "/device/code";
	}

	public String revokeUrl() {
		return baseUrl() + "/revoke";
	}

	public String apiBaseUrl() {
		return baseUrl() + "/api";
	}

	// --- controls

	/** A confidential client with a secret, or a public one (RFC 6749 §2.1) with {@code null}, which must send none. */
	public FakeAuthorizationServer registerClient(String clientId, String clientSecretOrNull) {
		clients.put(clientId, new Client(clientId, clientSecretOrNull));
		return this;
	}

	public FakeAuthorizationServer authorizeMode(Mode m) {
		mode = m;
		return this;
	}

	/** The scope granted at /authorize instead of the requested one (RFC 6749 §3.3); null grants what was asked. */
	public FakeAuthorizationServer grantScopes(String scope) {
		grantScopesOverride = scope;
		return this;
	}

	/** Appended to the redirect URI's path in every redirect, as a misbehaving or hostile server might. */
	public FakeAuthorizationServer setRedirectExtraPath(String extra) {
		redirectExtraPath = extra == null ? "" : extra;
		return this;
	}

	public FakeAuthorizationServer issueRefreshTokens(boolean issue) {
		issueRefreshTokens = issue;
		return this;
	}

	/** On (the default), each refresh returns a new refresh token and kills the presented one. */
	public FakeAuthorizationServer rotateRefreshTokens(boolean rotate) {
		rotateRefreshTokens = rotate;
		return this;
	}

	public FakeAuthorizationServer rejectRefresh(boolean reject) {
		rejectRefresh = reject;
		return this;
	}

	/** Each refresh request is counted on arrival, then held this long before it is handled and answered. */
	public FakeAuthorizationServer refreshDelay(Duration delay) {
		refreshDelay = delay;
		return this;
	}

	/** What {@code expires_in} says; nothing expires on its own, see {@link #expireAccessTokens()}. */
	public FakeAuthorizationServer accessTokenLifetime(Duration lifetime) {
		accessTokenLifetime = lifetime;
		return this;
	}

	/** The minimum gap between polls of one device code (RFC 8628 §3.5); advertised rounded up to whole seconds. */
	public FakeAuthorizationServer deviceInterval(Duration interval) {
		deviceInterval = interval;
		return this;
	}

	/** Each device code's polls after the first {@code n} find it approved, as if the user had been quick. */
	public FakeAuthorizationServer autoApproveDeviceAfterPolls(int n) {
		autoApproveDeviceAfterPolls = n;
		return this;
	}

	public void approveDevice(String userCode) {
		decide(userCode, true);
	}

	public void denyDevice(String userCode) {
		decide(userCode, false);
	}

	/** Every device code issued so far answers expired_token from now on, without waiting its 600 s. */
	public void expireDeviceCodes() {
		synchronized (lock) {
			devices.values().forEach(d -> d.expired = true);
		}
	}

	/** Every access token issued so far stops opening the API; refresh tokens still work. */
	public void expireAccessTokens() {
		synchronized (lock) {
			tokens.values().stream().filter(t -> !t.refresh()).forEach(t -> dead.add(t.value()));
		}
	}

	public void revokeAll() {
		synchronized (lock) {
			dead.addAll(tokens.keySet());
		}
	}

	// --- what happened

	/** Each /authorize request's query parameters, in arrival order. */
	public List<Map<String, String>> authorizeRequests() {
		return List.copyOf(authorizeRequests);
	}

	public String lastIssuedCode() {
		return lastIssuedCode;
	}

	/** Every POST to /token, whatever its grant type or outcome. */
	public int tokenCalls() {
		return tokenCalls.get();
	}

	/** Every refresh_token grant request, successful or not. */
	public int refreshCalls() {
		return refreshCalls.get();
	}

	public List<String> issuedAccessTokens() {
		return List.copyOf(issuedAccessTokens);
	}

	/** Access tokens the API accepts right now. */
	public List<String> currentAccessTokens() {
		synchronized (lock) {
			return issuedAccessTokens.stream().filter(t -> !dead.contains(t)).toList();
		}
	}

	/** The tokens authenticated clients sent to /revoke, in order, whether or not they were valid. */
	public List<String> revokedTokens() {
		return List.copyOf(revokedTokens);
	}

	public List<ApiRequest> apiRequests() {
		return List.copyOf(apiRequests);
	}

	public int apiCalls() {
		return apiRequests.size();
	}

	@Override
	public void close() {
		server.close();
	}

	// --- endpoints

	private MockResponse dispatch(RecordedRequest r) throws InterruptedException {
		String path = r.getUrl().encodedPath();
		try {
			if (path.startsWith("/api/")) {
				return api(r, path);
			}
			return switch (r.getMethod() + " " + path) {
				case "GET /authorize" -> authorize(r);
				case "POST /token" -> token(r);
				case "POST /device/code" -> deviceAuthorization(r);
				case "GET /device" -> deviceApprovalPage(r);
				case "POST /revoke" -> revoke(r);
				default -> new MockResponse.Builder().code(404).build();
			};
		} catch (OAuthError e) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", e.error);
			body.put("error_description", e.getMessage());
			MockResponse.Builder response = json(e.status, body);
			// RFC 6749 §5.2: a 401 for invalid_client names the authentication scheme the client should use
			return (e.status == 401 ? response.setHeader("WWW-Authenticate", "Basic realm=\"fake-as\"") : response).build();
		}
	}

	/** RFC 6749 §4.1.1–4.1.2 with PKCE (RFC 7636 §4.3) and loopback redirects (RFC 8252 §7.3). */
	private MockResponse authorize(RecordedRequest r) {
		Map<String, String> q;
		try {
			q = parse(r.getUrl().encodedQuery());
		} catch (OAuthError e) {
			return page(400, "Bad request: " + e.getMessage());
		}
		authorizeRequests.add(Map.copyOf(q));
		// §4.1.2.1: with a bad client or redirect URI, tell the user and never redirect (else an open redirector, §10.15)
		if (!clients.containsKey(q.getOrDefault("client_id", ""))) {
			return page(400, "Unknown client_id");
		}
		String redirectUri = q.get("redirect_uri");
		if (!isLoopbackRedirect(redirectUri)) {
			return page(400, "redirect_uri must be http://127.0.0.1:<port>/<path>");
		}
		String state = q.get("state");
		if (state == null) {
			return redirect(redirectUri, "error", "invalid_request");
		}
		if (!"code".equals(q.get("response_type"))) {
			return redirect(redirectUri, "error", "unsupported_response_type", "state", state);
		}
		// RFC 7636 §4.4.1: without a challenge, or with "plain", the code could be redeemed by whoever intercepts it
		if (q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method"))) {
			return redirect(redirectUri, "error", "invalid_request", "state", state);
		}
		if (mode == Mode.DENY) {
			return redirect(redirectUri, "error", "access_denied", "state", state);
		}
		String code = random("fake-code-");
		String scope = grantScopesOverride != null ? grantScopesOverride : q.get("scope");
		synchronized (lock) {
			codes.put(code, new Code(q.get("client_id"), redirectUri, q.get("code_challenge"), scope));
		}
		lastIssuedCode = code;
		return redirect(redirectUri, "code", code, "state", state);
	}

	private MockResponse token(RecordedRequest r) throws InterruptedException {
		tokenCalls.incrementAndGet();
		Map<String, String> p = form(r);
		return switch (p.getOrDefault("grant_type", "")) {
			case "authorization_code" -> authorizationCode(r, p);
			case "refresh_token" -> refresh(r, p);
			case "urn:ietf:params:oauth:grant-type:device_code" -> devicePoll(r, p);
			default -> throw new OAuthError(400, "unsupported_grant_type", "unknown or missing grant_type");
		};
	}

	/** RFC 6749 §4.1.3 with RFC 7636 §4.5–4.6. The first presentation uses the code up, whatever its outcome. */
	private MockResponse authorizationCode(RecordedRequest r, Map<String, String> p) {
		Client client = authenticate(r, p);
		String code = require(p, "code");
		String redirectUri = require(p, "redirect_uri");
		String verifier = require(p, "code_verifier");
		synchronized (lock) {
			Code issued = codes.remove(code);
			if (issued == null) {
				if (presentedCodes.contains(code)) {
					revokeGrant(code); // §4.1.2: a code used twice SHOULD revoke the tokens issued from it
				}
				throw invalidGrant("unknown or already used code");
			}
			presentedCodes.add(code);
			if (!issued.clientId().equals(client.id()) || !issued.redirectUri().equals(redirectUri)) {
				throw invalidGrant("code issued to another client or redirect_uri");
			}
			if (!constantTimeEquals(s256(verifier), issued.challenge())) {
				throw invalidGrant("code_verifier does not match code_challenge");
			}
			grantScopes.put(code, issued.scope());
			return tokenResponse(code, client.id(), issued.scope(), issueRefreshTokens);
		}
	}

	/** RFC 6749 §6. */
	private MockResponse refresh(RecordedRequest r, Map<String, String> p) throws InterruptedException {
		refreshCalls.incrementAndGet();
		Thread.sleep(refreshDelay); // the provider's slowness, to widen the window for a racing second refresh
		if (rejectRefresh) {
			throw invalidGrant("refresh refused by the test");
		}
		Client client = authenticate(r, p);
		String presented = require(p, "refresh_token");
		synchronized (lock) {
			Token old = tokens.get(presented);
			if (old == null || !old.refresh() || dead.contains(presented) || !old.clientId().equals(client.id())) {
				throw invalidGrant("unknown, revoked or rotated refresh token");
			}
			String granted = grantScopes.get(old.grant());
			String scope = p.getOrDefault("scope", granted);
			if (!scopeWords(granted).containsAll(scopeWords(scope))) {
				throw new OAuthError(400, "invalid_scope", "a refresh may narrow the scope, never widen it");
			}
			boolean rotate = rotateRefreshTokens && issueRefreshTokens;
			if (rotate) {
				dead.add(presented); // §6: the client must discard the old one; presenting it again is invalid_grant
			}
			return tokenResponse(old.grant(), client.id(), scope, rotate); // without rotation, the client keeps its token
		}
	}

	/** RFC 8628 §3.1–3.2. */
	private MockResponse deviceAuthorization(RecordedRequest r) {
		Map<String, String> p = form(r);
		Client client = authenticate(r, p);
		Device d;
		synchronized (lock) {
			String userCode;
			do {
				userCode = userCode();
			} while (userCodes.containsKey(userCode));
			d = new Device(random("fake-dc-"), userCode, client.id(), p.get("scope"));
			devices.put(d.deviceCode, d);
			userCodes.put(d.userCode, d);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("device_code", d.deviceCode);
		body.put("user_code", d.userCode);
		body.put("verification_uri", baseUrl() + "/device");
		body.put("verification_uri_complete", baseUrl() + "/device?user_code=" + d.userCode);
		body.put("expires_in", DEVICE_CODE_LIFETIME.toSeconds());
		body.put("interval", (deviceInterval.toMillis() + 999) / 1000);
		return json(200, body).build();
	}

	/** RFC 8628 §3.4–3.5: one poll of the token endpoint. */
	private MockResponse devicePoll(RecordedRequest r, Map<String, String> p) {
		Client client = authenticate(r, p);
		String deviceCode = require(p, "device_code");
		synchronized (lock) {
			Device d = devices.get(deviceCode);
			if (d == null || d.redeemed || !d.clientId.equals(client.id())) {
				throw invalidGrant("unknown or already used device_code");
			}
			long now = System.nanoTime();
			boolean tooSoon = d.polls > 0 && now - d.lastPollNanos < deviceInterval.toNanos();
			d.lastPollNanos = now;
			d.polls++;
			if (d.expired || now - d.issuedNanos >= DEVICE_CODE_LIFETIME.toNanos()) {
				throw new OAuthError(400, "expired_token", "the device code has expired");
			}
			if (d.denied) {
				throw new OAuthError(400, "access_denied", "the user denied access");
			}
			// §3.5 also asks the client to add 5 s to its interval after slow_down; not enforced, so tests stay quick
			if (tooSoon) {
				throw new OAuthError(400, "slow_down", "polled faster than the interval");
			}
			if (autoApproveDeviceAfterPolls >= 0 && d.polls > autoApproveDeviceAfterPolls) {
				d.approved = true;
			}
			if (!d.approved) {
				throw new OAuthError(400, "authorization_pending", "the user has not approved yet");
			}
			d.redeemed = true;
			grantScopes.put(deviceCode, d.scope);
			return tokenResponse(deviceCode, client.id(), d.scope, issueRefreshTokens);
		}
	}

	/** The page verification_uri_complete opens: visiting it approves, so a headless browser stands in for the user. */
	private MockResponse deviceApprovalPage(RecordedRequest r) {
		String userCode = r.getUrl().queryParameter("user_code");
		try {
			decide(userCode == null ? "" : userCode.toUpperCase(Locale.ROOT), true);
		} catch (IllegalArgumentException e) {
			return page(404, "Unknown code");
		}
		return page(200, "Device approved");
	}

	/** RFC 7009 §2. */
	private MockResponse revoke(RecordedRequest r) {
		Map<String, String> p = form(r);
		Client client = authenticate(r, p);
		String value = require(p, "token");
		revokedTokens.add(value);
		synchronized (lock) {
			Token t = tokens.get(value);
			if (t != null && t.clientId().equals(client.id())) { // §2.1: only the client it was issued to may revoke it
				if (t.refresh()) {
					revokeGrant(t.grant()); // §2.1: revoking a refresh token also ends the access tokens of its grant
				} else {
					dead.add(value);
				}
			}
		}
		return new MockResponse.Builder().code(200).build(); // §2.2: 200 even for unknown or already invalid tokens
	}

	/** The provider's API, behind RFC 6750 bearer tokens. */
	private MockResponse api(RecordedRequest r, String path) {
		List<String> auth = r.getHeaders().values("Authorization");
		apiRequests.add(new ApiRequest(r.getMethod(), path, auth.isEmpty() ? null : String.join(", ", auth)));
		String token = auth.size() == 1 && auth.get(0).regionMatches(true, 0, "Bearer ", 0, 7) ? auth.get(0).substring(7) : null;
		boolean live;
		synchronized (lock) {
			Token t = token == null ? null : tokens.get(token);
			live = t != null && !t.refresh() && !dead.contains(token);
		}
		if (!live) {
			return json(401, Map.of("message", "Bad credentials")).setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").build();
		}
		if (r.getMethod().equals("GET") && path.equals("/api/user")) {
			return json(200, Map.of("login", "octocat", "email", "octocat@example.com", "name", "The Octocat")).build();
		}
		return json(200, Map.of("ok", true, "method", r.getMethod(), "path", path)).build();
	}

	// --- helpers

	/** RFC 6749 §5.1; the caller holds the lock. */
	private MockResponse tokenResponse(String grant, String clientId, String scope, boolean withRefreshToken) {
		Map<String, Object> body = new LinkedHashMap<>();
		String access = random("fake-at-");
		tokens.put(access, new Token(access, false, grant, clientId));
		issuedAccessTokens.add(access);
		body.put("access_token", access);
		body.put("token_type", "Bearer");
		body.put("expires_in", accessTokenLifetime.toSeconds());
		if (withRefreshToken) {
			String refresh = random("fake-rt-");
			tokens.put(refresh, new Token(refresh, true, grant, clientId));
			body.put("refresh_token", refresh);
		}
		if (scope != null) {
			body.put("scope", scope);
		}
		return json(200, body).build();
	}

	/** The caller holds the lock. */
	private void revokeGrant(String grant) {
		tokens.values().stream().filter(t -> t.grant().equals(grant)).forEach(t -> dead.add(t.value()));
	}

	/** The user's answer on the verification page (RFC 8628 §3.3); the last answer counts. */
	private void decide(String userCode, boolean approve) {
		synchronized (lock) {
			Device d = userCodes.get(userCode);
			if (d == null) {
				throw new IllegalArgumentException("no device code with user code " + userCode);
			}
			d.approved = approve;
			d.denied = !approve;
		}
	}

	/** RFC 6749 §2.3.1: client_secret_basic or client_secret_post, not both; public clients send no secret. */
	private Client authenticate(RecordedRequest r, Map<String, String> p) {
		String id = p.get("client_id");
		String secret = p.get("client_secret");
		String header = r.getHeaders().get("Authorization");
		if (header != null) {
			if (secret != null) {
				throw new OAuthError(400, "invalid_request", "more than one client authentication method");
			}
			String[] pair = basicCredentials(header);
			if (pair == null || (id != null && !id.equals(pair[0]))) {
				throw invalidClient();
			}
			id = pair[0];
			secret = pair[1];
		}
		Client client = id == null ? null : clients.get(id);
		boolean ok = client != null && (client.secret() == null ? secret == null && header == null
				: secret != null && constantTimeEquals(secret, client.secret()));
		if (!ok) {
			throw invalidClient();
		}
		return client;
	}

	/** {id, secret} from "Basic base64(urlencode(id):urlencode(secret))" (RFC 6749 §2.3.1), or null. */
	private static String[] basicCredentials(String header) {
		if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
			return null;
		}
		try {
			String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			return colon < 0 ? null : new String[] {decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1))};
		} catch (IllegalArgumentException e) {
			return null;
		}
	}

	private static Map<String, String> form(RecordedRequest r) {
		String type = r.getHeaders().get("Content-Type");
		if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
			throw new OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
		}
		return parse(r.getBody() == null ? "" : r.getBody().utf8());
	}

	/** Form encoding, as in bodies and queries. RFC 6749 §3.1: empty means omitted, and no parameter twice. */
	private static Map<String, String> parse(String encoded) {
		Map<String, String> out = new LinkedHashMap<>();
		for (String pair : encoded == null ? new String[0] : encoded.split("&")) {
			int eq = pair.indexOf('=');
			String name = decode(eq < 0 ? pair : pair.substring(0, eq));
			String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
			if (!value.isEmpty() && out.putIfAbsent(name, value) != null) {
				throw new OAuthError(400, "invalid_request", "parameter sent twice: " + name);
			}
		}
		return out;
	}

	private static String decode(String s) {
		try {
			return URLDecoder.decode(s, StandardCharsets.UTF_8);
		} catch (IllegalArgumentException e) {
			throw new OAuthError(400, "invalid_request", "malformed form encoding");
		}
	}

	private static String require(Map<String, String> p, String name) {
		String value = p.get(name);
		if (value == null) {
			throw new OAuthError(400, "invalid_request", "missing " + name);
		}
		return value;
	}

	/** RFC 8252 §7.3, §8.3: http, the literal 127.0.0.1, any explicit port; no user info, no fragment (RFC 6749 §3.1.2). */
	private static boolean isLoopbackRedirect(String uri) {
		if (uri == null) {
			return false;
		}
		try {
			URI u = new URI(uri);
			return "http".equals(u.getScheme()) && "127.0.0.1".equals(u.getHost()) && u.getPort() > 0 && u.getRawUserInfo() == null
					&& u.getRawPath() != null && u.getRawPath().startsWith("/") && u.getRawFragment() == null;
		} catch (URISyntaxException e) {
			return false;
		}
	}

	/** 302 to the redirect URI (plus any extra path set by the test), its own query kept (RFC 6749 §3.1.2). */
	private MockResponse redirect(String redirectUri, String... params) {
		URI u = URI.create(redirectUri);
		List<String> query = new ArrayList<>();
		if (u.getRawQuery() != null) {
			query.add(u.getRawQuery());
		}
		for (int i = 0; i < params.length; i += 2) {
			query.add(params[i] + "=" + URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
		}
		String location = "http://" + u.getRawAuthority() + u.getRawPath() + redirectExtraPath + "?" + String.join("&", query);
		return new MockResponse.Builder().code(302).setHeader("Location", location).build();
	}

	private static MockResponse.Builder json(int status, Map<String, ?> body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
				.setHeader("Cache-Control", "no-store").setHeader("Pragma", "no-cache") // RFC 6749 §5.1
				.body(Json.write(body));
	}

	/** A fixed message: nothing from the request is reflected into HTML. */
	private static MockResponse page(int status, String message) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "text/html; charset=utf-8")
				.body("<!doctype html><title>" + message + "</title><p>" + message + "</p>").build();
	}

	private static OAuthError invalidGrant(String description) {
		return new OAuthError(400, "invalid_grant", description);
	}

	private static OAuthError invalidClient() {
		return new OAuthError(401, "invalid_client", "unknown client, wrong or missing secret, or a secret from a public client");
	}

	private static Set<String> scopeWords(String scope) {
		return scope == null ? Set.of() : Set.of(scope.trim().split(" +"));
	}

	private static boolean constantTimeEquals(String a, String b) {
		return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
	}

	/** BASE64URL(SHA-256(ASCII(verifier))), no padding (RFC 7636 §4.2). */
	private static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	private static String random(String prefix) {
		byte[] b = new byte[32];
		RANDOM.nextBytes(b);
		return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	/**
	 * MockWebServer writes a response's head and body separately; with Nagle on, the body waits for the client's
	 * delayed ACK, about 40 ms per request, which a device-flow or refresh test would pay many times over.
	 */
	private static final class NoDelayServerSockets extends ServerSocketFactory {
		@Override
		public ServerSocket createServerSocket() throws IOException {
			return new ServerSocket() {
				@Override
				public Socket accept() throws IOException {
					Socket socket = super.accept();
					socket.setTcpNoDelay(true);
					return socket;
				}
			};
		}

		@Override
		public ServerSocket createServerSocket(int port) {
			throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog) {
			throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
			throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
		}
	}

	/** Like WDJB-MJHT (RFC 8628 §6.1). */
	private static String userCode() {
		StringBuilder sb = new StringBuilder(9);
		for (int i = 0; i < 8; i++) {
			sb.append(i == 4 ? "-" : "").append(USER_CODE_LETTERS.charAt(RANDOM.nextInt(USER_CODE_LETTERS.length())));
		}
		return sb.toString();
	}
}
