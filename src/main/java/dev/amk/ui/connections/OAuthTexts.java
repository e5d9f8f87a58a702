package dev.amk.ui.connections;

import dev.amk.common.Durations;

import java.time.Instant;
import java.util.List;

/** The words an OAuth connection is described with, the same in its row and in the Connect dialog. */
final class OAuthTexts {
	private OAuthTexts() {
	}

	/** "as octocat", or "account not reported" when the provider did not say whose account it is. */
	static String account(String identity) {
		return identity == null || identity.isBlank() ? "account not reported" : "as " + identity;
	}

	/** "repo, read:user"; "no scopes reported" for an empty list. */
	static String scopes(List<String> scopes) {
		return scopes == null || scopes.isEmpty() ? "no scopes reported" : String.join(", ", scopes);
	}

	/** "token renews automatically; expires in 52 min", "token expired; renews on next use", "token doesn't expire". */
	static String expiry(Instant expiresAt, Instant now) {
		if (expiresAt == null) {
			return "token doesn't expire";
		}
		String until = Durations.until(expiresAt, now);
		return until.equals("expired") ? "token expired; renews on next use" : "token renews automatically; expires " + until;
	}
}
