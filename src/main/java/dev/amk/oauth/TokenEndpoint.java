package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.InvalidInput;
import dev.amk.common.Json;
import dev.amk.providers.ClientAuth;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Talks to an authorization server's back-channel endpoints: token (code and refresh grants, RFC 6749 §4.1.3
 * and §6), device authorization and polling (RFC 8628) and revocation (RFC 7009). Redirects are never followed:
 * a client secret or a refresh token must not travel to a host the person did not configure.
 */
public final class TokenEndpoint {
	static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
	private static final MediaType JSON = MediaType.get("application/json");

	private final OkHttpClient http;
	private final Clock clock;

	public TokenEndpoint(OkHttpClient http, Clock clock) {
		this.http = http.newBuilder().followRedirects(false).followSslRedirects(false)
				.connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(30)).callTimeout(Duration.ofSeconds(45)).build();
		this.clock = clock;
	}

	public TokenEndpoint(Clock clock) {
		this(new OkHttpClient(), clock);
	}

	/**
	 * What a successful token response held: the tokens, and the rest of the JSON (Slack and Notion put the
	 * workspace and user there). {@code extra} never contains the tokens themselves.
	 */
	public record TokenResponse(TokenSet tokens, Map<String, Object> extra) {
		@Override
		public String toString() {
			return "TokenResponse[" + tokens + "]";
		}
	}

	/** RFC 8628 §3.2: what the person types, where, and how often the broker may ask whether they did. */
	public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
			Instant expiresAt, Duration interval) {
		@Override
		public String toString() {
			return "DeviceAuthorization[" + userCode + " at " + verificationUri + "]";
		}
	}

	/** One answer to a device-flow poll (RFC 8628 §3.5). */
	public sealed interface DevicePoll {
		record Granted(TokenResponse response) implements DevicePoll {
		}

		record Pending() implements DevicePoll {
		}

		/** The server asks for a longer interval: 5 seconds more, from now on. */
		record SlowDown() implements DevicePoll {
		}
	}

	public TokenResponse exchangeCode(OAuthClient client, String code, String redirectUri, String codeVerifier) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("code", code);
		form.put("redirect_uri", redirectUri);
		form.put("code_verifier", codeVerifier);
		withResource(form, client);
		return tokens(client, post(client, client.tokenUrl(), form, "exchange the authorization code"));
	}

	public TokenResponse refresh(OAuthClient client, String refreshToken) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "refresh_token");
		form.put("refresh_token", refreshToken);
		withResource(form, client);
		return tokens(client, post(client, client.tokenUrl(), form, "refresh the access token"));
	}

	/** RFC 8707 §2: the token is asked for this one resource (an MCP server), so that no other server can accept it. */
	private static void withResource(Map<String, String> form, OAuthClient client) {
		if (client.resource() != null) {
			form.put("resource", client.resource());
		}
	}

	public DeviceAuthorization startDevice(OAuthClient client, String scope) {
		if (client.deviceUrl() == null) {
			throw new InvalidInput(Field.DEVICE, Problem.UNSUPPORTED, w -> "This provider has no device sign-in; connect without " + w.name(Field.DEVICE) + ".");
		}
		Map<String, String> form = new LinkedHashMap<>();
		if (scope != null && !scope.isEmpty()) {
			form.put("scope", scope);
		}
		Map<String, Object> m = post(client, client.deviceUrl(), form, "start the device sign-in");
		String deviceCode = string(m, "device_code");
		String userCode = string(m, "user_code");
		// Google calls it verification_url; RFC 8628 says verification_uri.
		String uri = string(m, "verification_uri") != null ? string(m, "verification_uri") : string(m, "verification_url");
		if (deviceCode == null || userCode == null || uri == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_RESPONSE, "The provider's device sign-in answer was incomplete. Try again, or sign in with the browser instead.");
		}
		long expiresIn = number(m, "expires_in", 900);
		long interval = number(m, "interval", 5);
		return new DeviceAuthorization(deviceCode, userCode, uri, string(m, "verification_uri_complete"),
				clock.instant().plusSeconds(expiresIn), Duration.ofSeconds(Math.max(0, interval)));
	}

	public DevicePoll pollDevice(OAuthClient client, String deviceCode) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", DEVICE_GRANT);
		form.put("device_code", deviceCode);
		try {
			return new DevicePoll.Granted(tokens(client, post(client, client.tokenUrl(), form, "finish the device sign-in")));
		} catch (OAuthException e) {
			return switch (e.oauthError() == null ? "" : e.oauthError()) {
				case "authorization_pending" -> new DevicePoll.Pending();
				case "slow_down" -> new DevicePoll.SlowDown();
				case "access_denied" -> throw new OAuthException(ErrorType.OAUTH_DENIED, "access_denied",
						"The sign-in was declined on the provider's page. Start again and approve it.");
				case "expired_token" -> throw new OAuthException(ErrorType.OAUTH_TIMEOUT, "expired_token",
						"The code expired before it was entered. Start again.");
				default -> throw e;
			};
		}
	}

	/** RFC 7009 §2.1: asks the server to forget the token (and, for a refresh token, the whole grant). */
	public void revoke(OAuthClient client, String token, String tokenTypeHint) {
		if (client.revokeUrl() == null) {
			throw AmkException.invalid("This provider has no revocation endpoint.");
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("token", token);
		if (tokenTypeHint != null) {
			form.put("token_type_hint", tokenTypeHint);
		}
		post(client, client.revokeUrl(), form, "revoke the token");
	}

	/**
	 * {@link dev.amk.providers.Revocation#DELETE_APP_GRANT}, GitHub's revocation: {@code DELETE /applications/{client_id}/grant}
	 * on its REST API (api.github.com, or a GitHub Enterprise server's /api/v3), as the OAuth app. Deleting the grant,
	 * not just the token, removes the app's access.
	 */
	public void deleteAppGrant(HttpUrl apiBase, OAuthClient client, String accessToken) {
		HttpUrl url = apiBase.newBuilder().addPathSegment("applications").addPathSegment(client.clientId()).addPathSegment("grant").build();
		String pair = client.clientId() + ":" + client.clientSecret();
		Request request = new Request.Builder().url(url)
				.header("Accept", "application/vnd.github+json")
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
				.delete(RequestBody.create(Json.write(Map.of("access_token", accessToken)), JSON))
				.build();
		try (Response response = http.newCall(request).execute()) {
			// 204: deleted; 404: already gone (revoked by the person on github.com), which is what was wanted.
			if (response.code() != 204 && response.code() != 404) {
				throw new OAuthException(ErrorType.OAUTH_FAILED, null, "The provider refused to delete the app's grant (HTTP " + response.code() + ").");
			}
		} catch (IOException e) {
			throw new AmkException(ErrorType.OAUTH_UNREACHABLE, "Could not reach " + url.host() + " to revoke the grant.", e);
		}
	}

	private Map<String, Object> post(OAuthClient client, HttpUrl url, Map<String, String> fields, String what) {
		Map<String, String> form = new LinkedHashMap<>(fields);
		Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json");
		boolean basic = client.auth() == ClientAuth.BASIC && client.clientSecret() != null;
		if (basic) {
			// RFC 6749 §2.3.1: both parts form-urlencoded before they are joined and base64-encoded.
			String pair = formEncode(client.clientId()) + ":" + formEncode(client.clientSecret());
			request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
		} else {
			form.put("client_id", client.clientId());
			if (client.clientSecret() != null) {
				form.put("client_secret", client.clientSecret());
			}
		}
		request.post(body(form, client.jsonBody()));
		try (Response response = http.newCall(request.build()).execute()) {
			String text = response.body().string();
			Map<String, Object> m = parse(text, response.header("Content-Type"));
			Object error = m.get("error");
			// Some providers answer errors with 200 (GitHub; Slack with {"ok": false}): the error field decides, not the status alone.
			if (error instanceof String code && !code.isEmpty()) {
				String description = withoutSecrets(OAuthException.plain(string(m, "error_description"), 200), form, client);
				throw new OAuthException(typeOf(code), code, "The provider refused to " + what + ": " + code
						+ (description == null ? "" : " (" + description + ")") + ".");
			}
			if (!response.isSuccessful()) {
				throw new OAuthException(ErrorType.OAUTH_FAILED, null, "The provider refused to " + what + " (HTTP " + response.code() + ").");
			}
			return m;
		} catch (IOException e) {
			throw new AmkException(ErrorType.OAUTH_UNREACHABLE, "Could not reach " + url.host() + " to " + what + ". Check the network and try again.", e);
		}
	}

	/**
	 * A provider's error text goes in front of a person and into logs; should it quote what was sent (a refresh
	 * token, a code, the client secret), that part is blanked.
	 */
	private static String withoutSecrets(String description, Map<String, String> form, OAuthClient client) {
		if (description == null) {
			return null;
		}
		String result = description;
		List<String> sent = new java.util.ArrayList<>(form.values());
		if (client.clientSecret() != null) {
			sent.add(client.clientSecret());
		}
		for (String value : sent) {
			if (value != null && value.length() >= 8) {
				result = result.replace(value, "[redacted]");
			}
		}
		return result;
	}

	private static ErrorType typeOf(String oauthError) {
		return switch (oauthError) {
			case "invalid_grant" -> ErrorType.OAUTH_INVALID_GRANT;
			case "invalid_client", "unauthorized_client" -> ErrorType.OAUTH_INVALID_CLIENT;
			case "access_denied" -> ErrorType.OAUTH_DENIED;
			default -> ErrorType.OAUTH_FAILED;
		};
	}

	private TokenResponse tokens(OAuthClient client, Map<String, Object> m) {
		Map<String, Object> source = m;
		// Where the provider nests them (Slack's user-token-only installs: authed_user), the tokens are read there.
		if (client.tokensIn() != null && m.get("access_token") == null && m.get(client.tokensIn()) instanceof Map<?, ?> nested
				&& nested.get("access_token") != null) {
			@SuppressWarnings("unchecked")
			Map<String, Object> nestedMap = (Map<String, Object>) nested;
			source = nestedMap;
		}
		String access = string(source, "access_token");
		if (access == null) {
			throw new AmkException(ErrorType.OAUTH_BAD_TOKEN_RESPONSE, "The provider answered without an access token. Check the token URL.");
		}
		long expiresIn = number(source, "expires_in", -1);
		Object scope = source.get("scope");
		TokenSet tokens = new TokenSet(access, string(source, "refresh_token"), expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : null,
				scope instanceof String s ? TokenSet.splitScopes(s) : null);
		Map<String, Object> extra = new LinkedHashMap<>(m);
		extra.keySet().removeAll(List.of("access_token", "refresh_token", "id_token"));
		if (client.tokensIn() != null) {
			extra.remove(client.tokensIn());
		}
		return new TokenResponse(tokens, extra);
	}

	private static RequestBody body(Map<String, String> form, boolean json) {
		if (json) {
			return RequestBody.create(Json.write(form), JSON);
		}
		FormBody.Builder b = new FormBody.Builder();
		form.forEach(b::add);
		return b.build();
	}

	private static Map<String, Object> parse(String text, String contentType) {
		if (contentType != null && contentType.contains("application/x-www-form-urlencoded")) {
			Map<String, Object> m = new LinkedHashMap<>();
			HttpUrl parsed = HttpUrl.get("http://x/?" + text);
			for (String name : parsed.queryParameterNames()) {
				m.put(name, parsed.queryParameter(name));
			}
			return m;
		}
		try {
			return Json.readObject(text);
		} catch (RuntimeException e) {
			return Map.of(); // not JSON: the HTTP status decides
		}
	}

	private static String formEncode(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	static String string(Map<String, Object> m, String key) {
		Object v = m.get(key);
		return v instanceof String s && !s.isEmpty() ? s : null;
	}

	private static long number(Map<String, Object> m, String key, long fallback) {
		Object v = m.get(key);
		if (v instanceof Number n) {
			return n.longValue();
		}
		if (v instanceof String s) {
			try {
				return Long.parseLong(s.strip());
			} catch (NumberFormatException ignored) {
				return fallback;
			}
		}
		return fallback;
	}
}
