package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

/**
 * The authorization server said no (RFC 6749 §5.2): {@link #oauthError} is its error code, such as
 * {@code invalid_grant}. The message quotes the provider's description, cut short and stripped to plain
 * text, because it ends up in front of a person.
 */
public final class OAuthException extends AmkException {
	private final String oauthError;

	public OAuthException(ErrorType type, String oauthError, String message) {
		super(type, message);
		this.oauthError = oauthError;
	}

	public String oauthError() {
		return oauthError;
	}

	/** The grant itself is dead (revoked, expired, or the client was removed): only signing in again helps. */
	public boolean grantIsDead() {
		return "invalid_grant".equals(oauthError) || "unauthorized_client".equals(oauthError) || "invalid_client".equals(oauthError);
	}

	static String plain(String text, int max) {
		if (text == null) {
			return null;
		}
		String cleaned = text.replaceAll("[^\\p{Print}]", " ").strip();
		return cleaned.length() > max ? cleaned.substring(0, max) + "…" : cleaned;
	}
}
