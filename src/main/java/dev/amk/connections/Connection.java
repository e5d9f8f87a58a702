package dev.amk.connections;

import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import okhttp3.HttpUrl;

import java.time.Instant;

/**
 * A connected account: where its API lives and how its secret is injected. The secret itself is in
 * the keychain under {@code secretRef}; this record never holds it. For an OAuth connection that secret is
 * the token set, and {@code oauth} says where it came from and how it stands; for an API key it is null.
 */
public record Connection(long id, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt,
		OAuthDetails oauth) {

	/** An API-key connection. */
	public Connection(long id, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt) {
		this(id, name, provider, baseUrl, injection, secretRef, createdAt, null);
	}

	public boolean isOAuth() {
		return oauth != null;
	}
}
