package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OAuth token set, kept as one keychain item (JSON) so that the access token, the refresh token that
 * goes with it and the expiry are always replaced together.
 *
 * @param refreshToken null when the provider gives none (a GitHub OAuth app's tokens never expire)
 * @param expiresAt    null when the provider gave no lifetime
 * @param scopes       what the provider said it granted; null when it did not say
 */
public record TokenSet(String accessToken, String refreshToken, Instant expiresAt, List<String> scopes) {

	public TokenSet {
		if (accessToken == null || accessToken.isEmpty()) {
			throw new AmkException(ErrorType.OAUTH_BAD_TOKEN_RESPONSE, "The provider's token response had no access token.");
		}
		scopes = scopes == null ? null : List.copyOf(scopes);
	}

	/** True when the access token is gone or will be within {@code margin}: time to refresh first. */
	public boolean expiresWithin(Duration margin, Clock clock) {
		return expiresAt != null && !clock.instant().plus(margin).isBefore(expiresAt);
	}

	public boolean expired(Clock clock) {
		return expiresWithin(Duration.ZERO, clock);
	}

	/** A refresh response may leave out the refresh token and the scopes: both stay as they were (RFC 6749 §6). */
	public TokenSet refreshedWith(TokenSet fresh) {
		return new TokenSet(fresh.accessToken, fresh.refreshToken != null ? fresh.refreshToken : refreshToken, fresh.expiresAt,
				fresh.scopes != null ? fresh.scopes : scopes);
	}

	public String toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("access_token", accessToken);
		if (refreshToken != null) {
			m.put("refresh_token", refreshToken);
		}
		if (expiresAt != null) {
			m.put("expires_at", expiresAt.toEpochMilli());
		}
		if (scopes != null) {
			m.put("scope", String.join(" ", scopes));
		}
		return Json.write(m);
	}

	/** Reads the keychain item; a damaged one means the person must connect again, not a crash. */
	public static TokenSet fromJson(String json) {
		try {
			Map<String, Object> m = Json.readObject(json);
			Object expires = m.get("expires_at");
			Object scope = m.get("scope");
			return new TokenSet((String) m.get("access_token"), (String) m.get("refresh_token"),
					expires instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null,
					scope instanceof String s ? splitScopes(s) : null);
		} catch (RuntimeException e) {
			throw new AmkException(ErrorType.OAUTH_TOKENS_UNREADABLE, "The stored sign-in for this connection is unreadable. Reconnect it.");
		}
	}

	static List<String> splitScopes(String scope) {
		String trimmed = scope.strip();
		return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("[\\s,]+"));
	}

	@Override
	public String toString() {
		return "TokenSet[expiresAt=" + expiresAt + ", scopes=" + scopes + ", refreshable=" + (refreshToken != null) + "]";
	}
}
