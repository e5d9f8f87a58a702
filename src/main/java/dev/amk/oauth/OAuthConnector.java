package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.InvalidInput;
import dev.amk.common.Json;
import dev.amk.common.Names;
import dev.amk.connections.BaseUrls;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.OAuthDetails;
import dev.amk.oauth.TokenEndpoint.DeviceAuthorization;
import dev.amk.oauth.TokenEndpoint.DevicePoll;
import dev.amk.oauth.TokenEndpoint.TokenResponse;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.secrets.SecretStore;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Connects an account with OAuth, from the person's click (or command) to a stored connection: the
 * authorization-code flow with PKCE and a one-shot loopback redirect (RFC 7636, RFC 8252), or the device
 * flow (RFC 8628); then the code exchange, a look-up of whose account it is, and the keychain and registry
 * writes. {@link #prepare} checks everything it can before a browser opens; {@link Attempt#run} blocks until
 * the sign-in ends and is meant for a background thread; {@link Attempt#cancel} ends it from any thread.
 */
public final class OAuthConnector {
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

	private final ConnectionService connections;
	private final SecretStore secrets;
	private final TokenEndpoint endpoint;
	private final Browser browser;
	private final OkHttpClient http;
	private final Clock clock;
	private final Duration timeout;
	private final Function<ProviderSpec, OAuthProfile> profiles;

	public OAuthConnector(ConnectionService connections, SecretStore secrets, TokenEndpoint endpoint, Browser browser, Clock clock,
			Duration timeout) {
		this(connections, secrets, endpoint, browser, clock, timeout, Providers::oauthOf);
	}

	/** {@code profiles}: where each provider's endpoints are; tests point them at a local authorization server. */
	public OAuthConnector(ConnectionService connections, SecretStore secrets, TokenEndpoint endpoint, Browser browser, Clock clock,
			Duration timeout, Function<ProviderSpec, OAuthProfile> profiles) {
		this.profiles = profiles;
		this.connections = connections;
		this.secrets = secrets;
		this.endpoint = endpoint;
		this.browser = browser;
		this.clock = clock;
		this.timeout = timeout;
		this.http = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false)
				.callTimeout(Duration.ofSeconds(10)).build();
	}

	/**
	 * What the person asked for. Null or empty fields take the provider's defaults or, with {@code reconnect},
	 * what the existing connection used (its client secret included, read from the keychain).
	 */
	public record Request(String name, ProviderSpec provider, String clientId, String clientSecret, List<String> scopes, String authorizeUrl,
			String tokenUrl, String deviceUrl, String revokeUrl, String baseUrl, boolean device, boolean openBrowser, boolean reconnect) {
		@Override
		public String toString() {
			return "OAuthConnector.Request[" + name + ", " + provider + ", client " + clientId + (device ? ", device" : "") + "]";
		}
	}

	/** What the person sees while it runs. Every method is called on the thread that runs the attempt. */
	public interface Progress {
		/** The page to approve on, before the wait begins; {@code opened} says whether a browser was asked to show it. */
		default void authorizationUrl(String url, boolean opened) {
		}

		/** Device flow: the code to enter and where, before the wait begins. */
		default void deviceCode(DeviceAuthorization device, boolean opened) {
		}

		/** A short status line, such as "Waiting for approval in the browser…". */
		default void step(String text) {
		}
	}

	/** The result: the stored connection and what the provider said about the grant. */
	public record Connected(Connection connection, String identity, List<String> scopes, Instant expiresAt) {
	}

	/** Checks the request and fixes every default; nothing is opened or stored yet. */
	public Attempt prepare(Request request) {
		String name = Names.requireValid("connection", request.name());
		Connection existing = null;
		if (request.reconnect()) {
			existing = connections.get(name);
			if (!existing.isOAuth()) {
				throw new InvalidInput(Field.NAME, Problem.CONFLICT, "'" + name + "' is connected with an API key, not OAuth. Replace its key with"
						+ " 'amk connection set-secret " + name + "'.");
			}
		} else {
			connections.requireNewName(name);
		}
		ProviderSpec provider = existing != null ? existing.provider() : request.provider();
		if (provider == null) {
			throw new InvalidInput(Field.PROVIDER, Problem.MISSING, "Choose a provider: " + Providers.idsInWords(Providers.withOAuth()) + ".");
		}
		OAuthProfile profile = profiles.apply(provider);
		OAuthDetails old = existing == null ? null : existing.oauth();

		String clientId = firstNonBlank(request.clientId(), old == null ? null : old.clientId());
		if (clientId == null) {
			throw new InvalidInput(Field.CLIENT_ID, Problem.MISSING, "An OAuth client id is needed: register an OAuth app at " + (profile.registerAt() == null
					? "the provider" : profile.registerAt()) + " with the redirect URI " + profile.redirectToRegister() + ", then pass its id.");
		}
		if (clientId.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
			throw new InvalidInput(Field.CLIENT_ID, Problem.MALFORMED, "The client id contains spaces or control characters; copy it again from the provider.");
		}
		String clientSecret = request.clientSecret() != null && !request.clientSecret().isEmpty() ? request.clientSecret()
				: old != null && old.clientSecretRef() != null ? secrets.get(old.clientSecretRef()) : null;

		Endpoints endpoints = endpoints(request, provider, old, profile);
		HttpUrl authorizeUrl = endpoints.authorize();
		HttpUrl tokenUrl = endpoints.token();
		HttpUrl deviceUrl = endpoints.device();
		HttpUrl revokeUrl = endpoints.revoke();
		HttpUrl apiBase = apiBase(existing != null && request.baseUrl() == null ? existing.baseUrl().toString() : request.baseUrl(), provider);

		List<String> scopes = scopes(request.scopes(), old, profile);
		OAuthClient client = OAuthClient.of(profile, tokenUrl, deviceUrl, revokeUrl, clientId, clientSecret, profile.clientAuth());
		OAuthDetails details = new OAuthDetails(authorizeUrl, tokenUrl, deviceUrl, revokeUrl, clientId, null, profile.clientAuth(), scopes,
				null, null, null, OAuthDetails.Status.CONNECTED, null);
		return new Attempt(name, provider, profile, client, details, apiBase, request.device(), request.openBrowser(), existing != null);
	}

	/**
	 * The rules the fields of a new connection's sign-in must meet (endpoints, base URL) before anything runs. Pure:
	 * no keychain, no network, so the Connect dialog checks its form with it rather than with a copy of the rules.
	 */
	public static void checkNew(Request request, OAuthProfile profile) {
		endpoints(request, request.provider(), null, profile);
		apiBase(request.baseUrl(), request.provider());
	}

	private record Endpoints(HttpUrl authorize, HttpUrl token, HttpUrl device, HttpUrl revoke) {
	}

	/** What was asked, else what the connection had, else the profile's default; and the ones the chosen flow needs. */
	private static Endpoints endpoints(Request request, ProviderSpec provider, OAuthDetails old, OAuthProfile profile) {
		HttpUrl authorizeUrl = optionalEndpoint(Field.AUTHORIZE_URL, "authorize URL", request.authorizeUrl(), old == null ? null : old.authorizeUrl(), profile.authorizeUrl());
		HttpUrl tokenUrl = optionalEndpoint(Field.TOKEN_URL, "token URL", request.tokenUrl(), old == null ? null : old.tokenUrl(), profile.tokenUrl());
		HttpUrl deviceUrl = optionalEndpoint(Field.DEVICE_URL, "device authorization URL", request.deviceUrl(), old == null ? null : old.deviceUrl(), profile.deviceUrl());
		HttpUrl revokeUrl = optionalEndpoint(Field.REVOKE_URL, "revocation URL", request.revokeUrl(), old == null ? null : old.revokeUrl(), profile.revokeUrl());
		if (tokenUrl == null) {
			throw new InvalidInput(Field.TOKEN_URL, Problem.MISSING, w -> "A generic OAuth connection needs " + w.name(Field.TOKEN_URL) + " (and "
					+ w.name(Field.AUTHORIZE_URL) + ", or " + w.name(Field.DEVICE) + " with " + w.name(Field.DEVICE_URL) + ").");
		}
		if (request.device() && deviceUrl == null) {
			throw new InvalidInput(Field.DEVICE, Problem.UNSUPPORTED, w -> provider.displayName() + " has no device sign-in. Connect without "
					+ w.name(Field.DEVICE) + ": the browser opens instead.");
		}
		if (!request.device() && authorizeUrl == null) {
			throw new InvalidInput(Field.AUTHORIZE_URL, Problem.MISSING, w -> "A generic OAuth connection needs " + w.name(Field.AUTHORIZE_URL)
					+ " (the page where the person approves).");
		}
		return new Endpoints(authorizeUrl, tokenUrl, deviceUrl, revokeUrl);
	}

	private static HttpUrl apiBase(String baseUrl, ProviderSpec provider) {
		if ((baseUrl == null || baseUrl.isBlank()) && provider.defaultBaseUrl() == null) {
			throw new InvalidInput(Field.BASE_URL, Problem.MISSING, w -> "A generic OAuth connection needs " + w.name(Field.BASE_URL)
					+ ": the root of the API the tokens are for.");
		}
		return BaseUrls.parse(baseUrl != null && !baseUrl.isBlank() ? baseUrl : provider.defaultBaseUrl());
	}

	private static List<String> scopes(List<String> asked, OAuthDetails old, OAuthProfile profile) {
		LinkedHashSet<String> scopes = new LinkedHashSet<>();
		if (asked != null && !asked.isEmpty()) {
			scopes.addAll(profile.requiredScopes());
			asked.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(scopes::add);
		} else if (old != null) {
			scopes.addAll(old.scopesRequested());
		} else {
			scopes.addAll(profile.initialScopes());
		}
		for (String s : scopes) {
			if (s.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '"' || c == '\\')) {
				throw new InvalidInput(Field.SCOPES, Problem.MALFORMED, "The scope '" + s + "' contains characters a scope cannot have (RFC 6749 §3.3).");
			}
		}
		return List.copyOf(scopes);
	}

	private static HttpUrl optionalEndpoint(Field field, String what, String asked, HttpUrl previous, String profileDefault) {
		if (asked != null && !asked.isBlank()) {
			return BaseUrls.endpoint(field, what, asked);
		}
		if (previous != null) {
			return previous;
		}
		return profileDefault == null ? null : BaseUrls.endpoint(field, what, profileDefault);
	}

	private static String firstNonBlank(String a, String b) {
		return a != null && !a.isBlank() ? a.strip() : b;
	}

	/** One sign-in, from the browser (or device code) to the stored connection. Single use. */
	public final class Attempt {
		private final String name;
		private final ProviderSpec provider;
		private final OAuthProfile profile;
		private final OAuthClient client;
		private final OAuthDetails details;
		private final HttpUrl apiBase;
		private final boolean device;
		private final boolean openBrowser;
		private final boolean reconnect;
		private final CountDownLatch cancelled = new CountDownLatch(1);
		private volatile LoopbackRedirect listener;

		private Attempt(String name, ProviderSpec provider, OAuthProfile profile, OAuthClient client, OAuthDetails details, HttpUrl apiBase,
				boolean device, boolean openBrowser, boolean reconnect) {
			this.name = name;
			this.provider = provider;
			this.profile = profile;
			this.client = client;
			this.details = details;
			this.apiBase = apiBase;
			this.device = device;
			this.openBrowser = openBrowser;
			this.reconnect = reconnect;
		}

		public String connectionName() {
			return name;
		}

		public ProviderSpec provider() {
			return provider;
		}

		public List<String> scopes() {
			return details.scopesRequested();
		}

		/** Blocks until connected, refused, timed out or cancelled; throws an {@link AmkException} that says which. */
		public Connected run(Progress progress) {
			TokenResponse response = device ? deviceFlow(progress) : codeFlow(progress);
			progress.step("Signed in; checking whose account it is…");
			String identity = identity(response);
			TokenSet tokens = response.tokens();
			OAuthDetails granted = details.withGrant(tokens.scopes(), identity, tokens.expiresAt());
			if (isCancelled()) {
				throw cancelledError();
			}
			Connection stored = reconnect
					? connections.reconnectOAuth(name, granted, tokens.toJson(), client.clientSecret())
					: connections.addOAuth(new ConnectionService.NewOAuthConnection(name, provider, apiBase.toString(), granted), tokens.toJson(),
					client.clientSecret());
			return new Connected(stored, identity, granted.effectiveScopes(), tokens.expiresAt());
		}

		/** Ends a running attempt: the listener stops, polling stops, nothing is stored. Safe to call twice. */
		public void cancel() {
			cancelled.countDown();
			LoopbackRedirect l = listener;
			if (l != null) {
				l.cancel();
			}
		}

		private boolean isCancelled() {
			return cancelled.getCount() == 0;
		}

		private TokenResponse codeFlow(Progress progress) {
			Pkce pkce = Pkce.generate();
			try (LoopbackRedirect redirect = new LoopbackRedirect(pkce.state(), profile.redirect())) {
				listener = redirect;
				if (isCancelled()) {
					throw cancelledError();
				}
				String url = authorizationUrl(pkce, redirect.redirectUri());
				boolean opened = openBrowser && browser.open(url);
				progress.authorizationUrl(url, opened);
				progress.step(opened ? "Waiting for you to approve in the browser…" : "Open the link to approve; waiting…");
				String code = redirect.awaitCode(timeout);
				progress.step("Approved; fetching the tokens…");
				return endpoint.exchangeCode(client, code, redirect.redirectUri(), pkce.verifier());
			} finally {
				listener = null;
			}
		}

		String authorizationUrl(Pkce pkce, String redirectUri) {
			HttpUrl.Builder url = details.authorizeUrl().newBuilder()
					.setQueryParameter("response_type", "code")
					.setQueryParameter("client_id", client.clientId())
					.setQueryParameter("redirect_uri", redirectUri)
					.setQueryParameter("state", pkce.state())
					.setQueryParameter("code_challenge", pkce.challenge())
					.setQueryParameter("code_challenge_method", "S256");
			if (!details.scopesRequested().isEmpty()) {
				url.setQueryParameter(profile.scopeParameter(), String.join(profile.scopeSeparator(), details.scopesRequested()));
			}
			profile.extraAuthorize().forEach(url::setQueryParameter);
			return url.build().toString();
		}

		private TokenResponse deviceFlow(Progress progress) {
			DeviceAuthorization d = endpoint.startDevice(client, String.join(profile.scopeSeparator(), details.scopesRequested()));
			String page = d.verificationUriComplete() != null ? d.verificationUriComplete() : d.verificationUri();
			if (isCancelled()) {
				throw cancelledError(); // cancelled while the code was being requested: no page should open now
			}
			boolean opened = openBrowser && browser.open(page);
			progress.deviceCode(d, opened);
			progress.step("Enter the code " + d.userCode() + " at " + d.verificationUri() + "; waiting…");
			Instant deadline = earliest(d.expiresAt(), clock.instant().plus(timeout));
			Duration interval = d.interval();
			while (true) {
				if (awaitCancel(interval)) {
					throw cancelledError();
				}
				if (!clock.instant().isBefore(deadline)) {
					throw new AmkException(ErrorType.OAUTH_TIMEOUT, "The code was not entered in time. Start again when ready.");
				}
				DevicePoll poll = endpoint.pollDevice(client, d.deviceCode());
				switch (poll) {
					case DevicePoll.Granted granted -> {
						return granted.response();
					}
					case DevicePoll.SlowDown slow -> interval = interval.plusSeconds(5); // RFC 8628 §3.5
					case DevicePoll.Pending pending -> {
					}
				}
			}
		}

		private boolean awaitCancel(Duration wait) {
			try {
				return cancelled.await(wait.toMillis(), TimeUnit.MILLISECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return true;
			}
		}

		/** Whose account this is, for the person's eyes only; a failed look-up leaves it unknown rather than failing the sign-in. */
		private String identity(TokenResponse response) {
			return switch (profile.identity()) {
				case OAuthProfile.Identity.FromTokenResponse f -> f.fields().stream().map(field -> field(response.extra(), field))
						.filter(v -> v != null).findFirst().orElse(null);
				case OAuthProfile.Identity.FromApi api -> fromApi(api, response.tokens().accessToken());
				case OAuthProfile.Identity.Unknown u -> null;
			};
		}

		private String fromApi(OAuthProfile.Identity.FromApi api, String accessToken) {
			HttpUrl url = apiBase.newBuilder().addPathSegments(api.path().substring(1)).build();
			okhttp3.Request.Builder request = new okhttp3.Request.Builder().url(url)
					.header("Authorization", "Bearer " + accessToken).header("Accept", "application/json");
			if (api.jsonBody() != null) {
				request.post(RequestBody.create(api.jsonBody(), MediaType.get("application/json")));
			}
			try (okhttp3.Response r = http.newCall(request.build()).execute()) {
				if (!r.isSuccessful()) {
					return null;
				}
				return field(Json.readObject(r.body().string()), api.field());
			} catch (IOException | RuntimeException e) {
				return null;
			}
		}
	}

	/** A dotted path into parsed JSON: {@code data.viewer.email}. */
	static String field(Map<String, Object> json, String dotted) {
		Object current = json;
		for (String part : dotted.split("\\.")) {
			if (!(current instanceof Map<?, ?> m)) {
				return null;
			}
			current = m.get(part);
		}
		if (!(current instanceof String s) || s.isBlank()) {
			return null;
		}
		String plain = OAuthException.plain(s, 120);
		return plain.isEmpty() ? null : plain;
	}

	private static Instant earliest(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

	private static AmkException cancelledError() {
		return new AmkException(ErrorType.OAUTH_CANCELLED, "The sign-in was cancelled; nothing was stored.");
	}
}
