package dev.amk.connections;

import okhttp3.HttpUrl;

import java.time.Instant;

/**
 * A connected account: where its API lives and how its secret is injected. The secret itself is in
 * the keychain under {@code secretRef}; this record never holds it.
 */
public record Connection(long id, String name, Provider provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt) {
}
