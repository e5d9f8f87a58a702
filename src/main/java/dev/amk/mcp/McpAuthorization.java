package dev.amk.mcp;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput;
import dev.amk.common.Json;
import dev.amk.common.Names;
import dev.amk.connections.BaseUrls;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.OAuthDetails;
import dev.amk.oauth.Browser;
import dev.amk.oauth.LoopbackRedirect;
import dev.amk.oauth.OAuthClient;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.Pkce;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.oauth.TokenSet;
import dev.amk.providers.ClientAuth;
import dev.amk.providers.Mcp;
import dev.amk.providers.Providers;
import dev.amk.providers.RedirectAddress;
import dev.amk.secrets.SecretStore;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * MCP authorization for {@code amk mcp add NAME --url URL}, as the MCP specification's authorization chapter lays it
 * out: an unauthenticated request to the server; its 401's {@code WWW-Authenticate} points at the protected-resource
 * metadata (RFC 9728; else the well-known URIs), which names the authorization server; that server's metadata (RFC 8414,
 * else OpenID Connect discovery) gives the endpoints; the broker registers itself as a public client (RFC 7591) unless
 * a client id was given; then the authorization-code flow with PKCE S256 to a loopback redirect, every authorization
 * and token request carrying the server's canonical URI as {@code resource} (RFC 8707). The tokens go to the keychain
 * and the connection (provider {@code mcp}) to the registry; {@code dev.amk.oauth.TokenManager} refreshes them, with
 * the same {@code resource}, single-flight.
 *
 * <p>Redirects are never followed: metadata and endpoints are fetched exactly where the server and the metadata say.
 */
public final class McpAuthorization {
	static final String CLIENT_NAME = "Agent Master Key";
	private static final MediaType JSON = MediaType.get("application/json");

	private final ConnectionService connections;
	private final SecretStore secrets;
	private final TokenEndpoint endpoint;
	private final Browser browser;
	private final Duration timeout;
	private final OkHttpClient http;

	public McpAuthorization(ConnectionService connections, SecretStore secrets, TokenEndpoint endpoint, Browser browser, Duration timeout) {
		this.connections = connections;
		this.secrets = secrets;
		this.endpoint = endpoint;
		this.browser = browser;
		this.timeout = timeout;
		this.http = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false).callTimeout(Duration.ofSeconds(20)).build();
	}

	/** What the person asked for; {@code clientId} null: register dynamically. {@code reconnect}: sign in again to an existing one. */
	public record Request(String name, String url, String clientId, String clientSecret, List<String> scopes, boolean openBrowser, boolean reconnect) {
		@Override
		public String toString() {
			return "McpAuthorization.Request[" + name + ", " + url + "]";
		}
	}

	/** What discovery found: where to sign in, and for which resource. */
	public record Discovered(HttpUrl server, String resource, HttpUrl issuer, HttpUrl authorizeUrl, HttpUrl tokenUrl, HttpUrl registrationUrl,
			HttpUrl revokeUrl, List<String> scopes) {
	}

	/** Thrown when the server answers without asking for authorization: it needs no sign-in (or takes a key: --header). */
	public static final class NoAuthorizationNeeded extends AmkException {
		NoAuthorizationNeeded(String message) {
			super(ErrorType.INVALID_ARGUMENT, message);
		}
	}

	/** One sign-in; {@link #cancel} ends it from another thread (Ctrl-C). */
	public final class Attempt {
		private final CountDownLatch cancelled = new CountDownLatch(1);
		private volatile LoopbackRedirect listener;

		public void cancel() {
			cancelled.countDown();
			LoopbackRedirect l = listener;
			if (l != null) {
				l.cancel();
			}
		}

		/** Discovers, registers, signs in and stores; blocks until done. */
		public Connection run(Request request, OAuthConnector.Progress progress) {
			String name = Names.requireValid("connection", request.name());
			Connection existing = null;
			HttpUrl server;
			if (request.reconnect()) {
				existing = connections.get(name);
				if (!existing.provider().speaksMcp() || !existing.isOAuth()) {
					throw new InvalidInput(InvalidInput.Field.NAME, InvalidInput.Problem.CONFLICT, "'" + name + "' is not an MCP server that signs in"
							+ " with OAuth; replace its key with 'amk connection set-secret " + name + "'.");
				}
				server = existing.baseUrl();
			} else {
				connections.requireNewName(name);
				server = serverUrl(request.url());
			}
			progress.step("Asking " + server.host() + " how to sign in…");
			Discovered found = discover(server, request.scopes());
			Pkce pkce = Pkce.generate();
			try (LoopbackRedirect redirect = new LoopbackRedirect(pkce.state(), RedirectAddress.LOOPBACK_IP)) {
				listener = redirect;
				String clientId = request.clientId();
				String clientSecret = request.clientSecret();
				ClientAuth auth = ClientAuth.POST;
				if (clientId == null || clientId.isBlank()) {
					Registered registered = register(found, redirect.redirectUri());
					clientId = registered.clientId();
					clientSecret = registered.clientSecret();
					auth = registered.auth();
				}
				if (cancelled.getCount() == 0) {
					throw cancelledError();
				}
				String url = authorizationUrl(found, clientId, redirect.redirectUri(), pkce);
				boolean opened = request.openBrowser() && browser.open(url);
				progress.authorizationUrl(url, opened);
				progress.step(opened ? "Waiting for you to approve in the browser…" : "Open the link to approve; waiting…");
				String code = redirect.awaitCode(timeout);
				progress.step("Approved; fetching the tokens…");
				OAuthClient client = new OAuthClient(found.tokenUrl(), null, found.revokeUrl(), clientId, clientSecret, auth, false, null,
						found.resource());
				TokenSet tokens = endpoint.exchangeCode(client, code, redirect.redirectUri(), pkce.verifier()).tokens();
				OAuthDetails details = new OAuthDetails(found.authorizeUrl(), found.tokenUrl(), null, found.revokeUrl(), clientId, null, auth,
						found.scopes(), null, null, null, OAuthDetails.Status.CONNECTED, null).withGrant(tokens.scopes(), null, tokens.expiresAt());
				if (cancelled.getCount() == 0) {
					throw cancelledError();
				}
				return existing != null ? connections.reconnectOAuth(name, details, tokens.toJson(), clientSecret)
						: connections.addOAuth(new ConnectionService.NewOAuthConnection(name, Providers.MCP, server.toString(), details),
						tokens.toJson(), clientSecret);
			} finally {
				listener = null;
			}
		}
	}

	public Attempt attempt() {
		return new Attempt();
	}

	static HttpUrl serverUrl(String url) {
		if (url == null || url.isBlank()) {
			throw new InvalidInput(InvalidInput.Field.BASE_URL, InvalidInput.Problem.MISSING, "Give the MCP server's address: its endpoint, often ending in"
					+ " /mcp, for example https://mcp.example.com/mcp.");
		}
		return BaseUrls.parse(url.strip());
	}

	/** The authorization URL, with PKCE S256 and the {@code resource} indicator. */
	static String authorizationUrl(Discovered found, String clientId, String redirectUri, Pkce pkce) {
		HttpUrl.Builder url = found.authorizeUrl().newBuilder()
				.setQueryParameter("response_type", "code")
				.setQueryParameter("client_id", clientId)
				.setQueryParameter("redirect_uri", redirectUri)
				.setQueryParameter("state", pkce.state())
				.setQueryParameter("code_challenge", pkce.challenge())
				.setQueryParameter("code_challenge_method", "S256")
				.setQueryParameter("resource", found.resource());
		if (!found.scopes().isEmpty()) {
			url.setQueryParameter("scope", String.join(" ", found.scopes()));
		}
		return url.build().toString();
	}

	/** Steps 1 to 3 of MCP authorization: the server's challenge, its protected-resource metadata, the authorization server's metadata. */
	public Discovered discover(HttpUrl server, List<String> askedScopes) {
		Challenge challenge = challenge(server);
		Map<String, Object> resourceMetadata = resourceMetadata(server, challenge.resourceMetadata());
		String resource = Mcp.canonical(server);
		if (resourceMetadata.get("resource") instanceof String stated && !covers(stated, server)) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The server's protected-resource metadata is for " + stated + ", not for "
					+ resource + " (RFC 9728 §3.3). Check the URL; the broker does not sign in for another resource.");
		}
		HttpUrl issuer;
		if (resourceMetadata.get("authorization_servers") instanceof List<?> servers && !servers.isEmpty() && servers.getFirst() instanceof String s) {
			issuer = parseEndpoint(s, "authorization server");
		} else {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The server's protected-resource metadata names no authorization server."
					+ " If the server takes an API key instead, add it with --header NAME --format 'Bearer {secret}' (the key on stdin).");
		}
		Map<String, Object> as = authorizationServerMetadata(issuer);
		HttpUrl authorize = requiredEndpoint(as, "authorization_endpoint");
		HttpUrl token = requiredEndpoint(as, "token_endpoint");
		HttpUrl registration = optionalEndpoint(as, "registration_endpoint");
		HttpUrl revoke = optionalEndpoint(as, "revocation_endpoint");
		if (!(as.get("code_challenge_methods_supported") instanceof List<?> methods) || !methods.contains("S256")) {
			// MCP authorization: without advertised PKCE S256 support the client must not proceed.
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The authorization server at " + issuer + " does not say it supports PKCE"
					+ " with S256 (code_challenge_methods_supported), which MCP authorization requires. The broker will not sign in without it.");
		}
		List<String> scopes = new ArrayList<>();
		if (askedScopes != null && !askedScopes.isEmpty()) {
			askedScopes.stream().map(String::strip).filter(x -> !x.isEmpty()).forEach(scopes::add);
		} else if (challenge.scope() != null) {
			java.util.Arrays.stream(challenge.scope().split(" ")).filter(x -> !x.isBlank()).forEach(scopes::add);
		} else if (resourceMetadata.get("scopes_supported") instanceof List<?> supported) {
			supported.stream().filter(String.class::isInstance).map(String.class::cast).forEach(scopes::add);
		}
		for (String scope : scopes) {
			if (scope.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '"' || c == '\\')) {
				throw new InvalidInput(InvalidInput.Field.SCOPES, InvalidInput.Problem.MALFORMED, "The scope '" + scope
						+ "' contains characters a scope cannot have (RFC 6749 §3.3).");
			}
		}
		return new Discovered(server, resource, issuer, authorize, token, registration, revoke, List.copyOf(scopes));
	}

	/** Whether protected-resource metadata stated for {@code stated} covers the server: the same origin, and a path prefix of it. */
	static boolean covers(String stated, HttpUrl server) {
		HttpUrl s = HttpUrl.parse(stated);
		if (s == null || !s.scheme().equals(server.scheme()) || !s.host().equals(server.host()) || s.port() != server.port()) {
			return false;
		}
		String prefix = s.encodedPath().endsWith("/") ? s.encodedPath() : s.encodedPath() + "/";
		String path = server.encodedPath().endsWith("/") ? server.encodedPath() : server.encodedPath() + "/";
		return path.startsWith(prefix);
	}

	record Challenge(String resourceMetadata, String scope) {
	}

	/** An initialize request without credentials; the server's 401 says where its metadata is. */
	private Challenge challenge(HttpUrl server) {
		String initialize = Json.write(Map.of("jsonrpc", "2.0", "id", 0, "method", "initialize", "params", Map.of("protocolVersion",
				McpMessages.PROTOCOL_VERSION, "capabilities", Map.of(), "clientInfo", Map.of("name", CLIENT_NAME, "version", "1"))));
		okhttp3.Request probe = new okhttp3.Request.Builder().url(server).header("Accept", "application/json, text/event-stream")
				.post(RequestBody.create(initialize, JSON)).build();
		try (Response r = http.newCall(probe).execute()) {
			if (r.code() == 401) {
				String resourceMetadata = null;
				String scope = null;
				for (String header : r.headers("WWW-Authenticate")) {
					Map<String, String> params = WwwAuthenticate.bearerParameters(header);
					resourceMetadata = resourceMetadata != null ? resourceMetadata : params.get("resource_metadata");
					scope = scope != null ? scope : params.get("scope");
				}
				return new Challenge(resourceMetadata, scope);
			}
			if (r.isSuccessful()) {
				throw new NoAuthorizationNeeded("The MCP server at " + server + " answered without asking anyone to sign in, so there is no"
						+ " credential for the broker to keep. If it takes an API key, add it with --header NAME --format 'Bearer {secret}' (the key"
						+ " on stdin).");
			}
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The MCP server at " + server + " answered HTTP " + r.code()
					+ " instead of asking for authorization (401). Check the URL: it is the server's MCP endpoint, often ending in /mcp.");
		} catch (IOException e) {
			throw new AmkException(ErrorType.OAUTH_UNREACHABLE, "Could not reach the MCP server at " + server + ". Check the URL and the network.", e);
		}
	}

	/** RFC 9728: from the challenge's URL, else the well-known URI with the server's path, else at the root. */
	private Map<String, Object> resourceMetadata(HttpUrl server, String fromChallenge) {
		List<HttpUrl> candidates = new ArrayList<>();
		if (fromChallenge != null) {
			candidates.add(parseEndpoint(fromChallenge, "protected-resource metadata"));
		} else {
			String path = server.encodedPath().equals("/") ? "" : server.encodedPath();
			candidates.add(server.newBuilder().encodedPath("/.well-known/oauth-protected-resource" + path).query(null).build());
			if (!path.isEmpty()) {
				candidates.add(server.newBuilder().encodedPath("/.well-known/oauth-protected-resource").query(null).build());
			}
		}
		Map<String, Object> m = firstJson(candidates);
		if (m == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The MCP server asks for authorization but publishes no protected-resource"
					+ " metadata (RFC 9728) at " + candidates.getFirst() + ". Ask its operator, or use --header if it takes an API key.");
		}
		return m;
	}

	/** RFC 8414, then OpenID Connect discovery, with the path-insertion forms MCP authorization lists, in its order. */
	private Map<String, Object> authorizationServerMetadata(HttpUrl issuer) {
		String path = issuer.encodedPath().equals("/") ? "" : issuer.encodedPath();
		List<HttpUrl> candidates = new ArrayList<>();
		candidates.add(issuer.newBuilder().encodedPath("/.well-known/oauth-authorization-server" + path).query(null).build());
		candidates.add(issuer.newBuilder().encodedPath("/.well-known/openid-configuration" + path).query(null).build());
		if (!path.isEmpty()) {
			candidates.add(issuer.newBuilder().encodedPath(path + "/.well-known/openid-configuration").query(null).build());
		}
		Map<String, Object> m = firstJson(candidates);
		if (m == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The authorization server " + issuer + " publishes no metadata (RFC 8414 or"
					+ " OpenID Connect discovery). The broker cannot sign in without its endpoints.");
		}
		return m;
	}

	private Map<String, Object> firstJson(List<HttpUrl> candidates) {
		for (HttpUrl url : candidates) {
			try (Response r = http.newCall(new okhttp3.Request.Builder().url(url).header("Accept", "application/json")
					.header("MCP-Protocol-Version", McpMessages.PROTOCOL_VERSION).build()).execute()) {
				if (r.isSuccessful()) {
					return Json.readObject(r.body().string());
				}
			} catch (IOException e) {
				throw new AmkException(ErrorType.OAUTH_UNREACHABLE, "Could not reach " + url.host() + " for the sign-in's metadata. Check the network.", e);
			} catch (RuntimeException e) {
				throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The metadata at " + url + " is not a JSON object.");
			}
		}
		return null;
	}

	record Registered(String clientId, String clientSecret, ClientAuth auth) {
		@Override
		public String toString() {
			return "Registered[" + clientId + "]";
		}
	}

	/** RFC 7591: the broker registers itself for this one redirect URI, as a public client unless the server insists on a secret. */
	private Registered register(Discovered found, String redirectUri) {
		if (found.registrationUrl() == null) {
			throw new InvalidInput(InvalidInput.Field.CLIENT_ID, InvalidInput.Problem.MISSING, "The authorization server at " + found.issuer()
					+ " does not offer dynamic client registration. Register a client there with the redirect URI http://127.0.0.1/callback"
					+ " (any port), then pass its id with --client-id.");
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("client_name", CLIENT_NAME);
		metadata.put("redirect_uris", List.of(redirectUri));
		metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
		metadata.put("response_types", List.of("code"));
		metadata.put("token_endpoint_auth_method", "none");
		if (!found.scopes().isEmpty()) {
			metadata.put("scope", String.join(" ", found.scopes()));
		}
		okhttp3.Request request = new okhttp3.Request.Builder().url(found.registrationUrl()).header("Accept", "application/json")
				.post(RequestBody.create(Json.write(metadata), JSON)).build();
		try (Response r = http.newCall(request).execute()) {
			String text = r.body().string();
			Map<String, Object> m;
			try {
				m = Json.readObject(text);
			} catch (RuntimeException e) {
				m = Map.of();
			}
			if (!r.isSuccessful() || !(m.get("client_id") instanceof String clientId) || clientId.isBlank()) {
				String error = m.get("error") instanceof String e ? " (" + e + ")" : "";
				throw new AmkException(ErrorType.OAUTH_FAILED, "The authorization server refused to register the broker as a client: HTTP "
						+ r.code() + error + ". Register a client by hand and pass --client-id.");
			}
			String secret = m.get("client_secret") instanceof String s && !s.isEmpty() ? s : null;
			String method = m.get("token_endpoint_auth_method") instanceof String s ? s : null;
			// RFC 7591 §2: a client with a secret authenticates with HTTP Basic unless the server said otherwise.
			ClientAuth auth = secret != null && !"client_secret_post".equals(method) ? ClientAuth.BASIC : ClientAuth.POST;
			return new Registered(clientId, secret, auth);
		} catch (IOException e) {
			throw new AmkException(ErrorType.OAUTH_UNREACHABLE, "Could not reach " + found.registrationUrl().host() + " to register the broker.", e);
		}
	}

	private static HttpUrl requiredEndpoint(Map<String, Object> metadata, String field) {
		HttpUrl url = optionalEndpoint(metadata, field);
		if (url == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The authorization server's metadata has no " + field + ".");
		}
		return url;
	}

	private static HttpUrl optionalEndpoint(Map<String, Object> metadata, String field) {
		return metadata.get(field) instanceof String s && !s.isBlank() ? parseEndpoint(s, field) : null;
	}

	/** https, or http on a loopback host only (OAuth 2.1 §1.5: endpoints over TLS; loopback for tests and local servers). */
	static HttpUrl parseEndpoint(String text, String what) {
		HttpUrl url = HttpUrl.parse(text);
		if (url == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The " + what + " address '" + text + "' is not a URL.");
		}
		boolean loopback = url.host().equals("127.0.0.1") || url.host().equals("localhost") || url.host().equals("::1");
		if (!url.isHttps() && !loopback) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The " + what + " address " + url + " is not https; the broker sends"
					+ " codes and tokens only over TLS (or to this machine).");
		}
		return url;
	}

	private static AmkException cancelledError() {
		return new AmkException(ErrorType.OAUTH_CANCELLED, "The sign-in was cancelled; nothing was stored.");
	}
}
