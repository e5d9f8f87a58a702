package dev.amk.cloud;

import dev.amk.agents.GrantRule;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens for Google Cloud service accounts, minted with the JWT bearer grant (RFC 7523, RS256) for the scopes
 * a grant allows, cached per key and scope, and renewed {@link #RENEW_BEFORE} before they expire (by the injected
 * clock). The token endpoint is reached through the broker's upstream client, so it follows the same host mapping.
 */
public final class GcpTokens {
	static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
	public static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
	public static final String CLOUD_PLATFORM_READ_ONLY = "https://www.googleapis.com/auth/cloud-platform.read-only";
	private static final Duration LIFETIME = Duration.ofHours(1);

	record Key(String secretRef, String scopes) {
	}

	record Token(String value, Instant expires) {
	}

	private final OkHttpClient client;
	private final Clock clock;
	private final Map<Key, Token> cache = new ConcurrentHashMap<>();

	public GcpTokens(OkHttpClient client, Clock clock) {
		this.client = client;
		this.clock = clock;
	}

	/**
	 * The {@code scope} claim a grant's tokens ask for: the grant's own scopes ({@code CONN:scopes=…}) space-separated and
	 * sorted (so that equal grants share one cached token), else {@code cloud-platform}, read-only for {@code CONN:read}.
	 */
	static String scopes(GrantRule rule) {
		if (rule.cloud() != null && rule.cloud().isGoogle()) {
			return String.join(" ", rule.cloud().scopes().stream().sorted().toList());
		}
		return rule.preset() == GrantRule.Preset.READ ? CLOUD_PLATFORM_READ_ONLY : CLOUD_PLATFORM;
	}

	String token(String secretRef, String connection, GcpServiceAccount account, String scopes) {
		Key key = new Key(secretRef, scopes);
		Token t = cache.get(key);
		if (t == null || !clock.instant().isBefore(t.expires().minus(RENEW_BEFORE))) {
			synchronized (this) {
				t = cache.get(key);
				if (t == null || !clock.instant().isBefore(t.expires().minus(RENEW_BEFORE))) {
					t = mint(connection, account, scopes);
					cache.put(key, t);
				}
			}
		}
		return t.value();
	}

	/** Drops every token: a connection's key changed or went away. */
	public void clear() {
		cache.clear();
	}

	private Token mint(String connection, GcpServiceAccount account, String scopes) {
		Instant now = clock.instant();
		String assertion = assertion(account, scopes, now);
		Request request = new Request.Builder().url(account.tokenUri()).post(new FormBody.Builder()
				.add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer").add("assertion", assertion).build()).build();
		try (Response response = client.newCall(request).execute()) {
			String body = response.body().string();
			Map<String, Object> json;
			try {
				json = Json.readObject(body);
			} catch (RuntimeException e) {
				json = Map.of();
			}
			if (!response.isSuccessful() || !(json.get("access_token") instanceof String token)) {
				throw new AmkException(ErrorType.CONNECTION_UNAVAILABLE, "Google refused an access token for connection '" + connection + "' ("
						+ response.code() + " " + json.getOrDefault("error", "") + "). Check that the service account still exists and its key is valid.");
			}
			long expiresIn = json.get("expires_in") instanceof Number n ? n.longValue() : LIFETIME.toSeconds();
			return new Token(token, now.plusSeconds(expiresIn));
		} catch (IOException e) {
			throw new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "Google's token endpoint could not be reached for connection '" + connection
					+ "'. Check the network.");
		}
	}

	/** The signed JWT: iss and sub the service account, aud the token endpoint, one hour. */
	static String assertion(GcpServiceAccount account, String scopes, Instant now) {
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("alg", "RS256");
		header.put("typ", "JWT");
		if (account.privateKeyId() != null) {
			header.put("kid", account.privateKeyId());
		}
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", account.clientEmail());
		claims.put("sub", account.clientEmail());
		claims.put("scope", scopes);
		claims.put("aud", account.tokenUri());
		claims.put("iat", now.getEpochSecond());
		claims.put("exp", now.plus(LIFETIME).getEpochSecond());
		Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
		String signingInput = b64.encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
				+ b64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
		try {
			Signature rs256 = Signature.getInstance("SHA256withRSA");
			rs256.initSign(account.privateKey());
			rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + b64.encodeToString(rs256.sign());
		} catch (GeneralSecurityException e) {
			throw new AmkException(ErrorType.CONNECTION_UNAVAILABLE, "The service-account key could not sign a token request.");
		}
	}
}
