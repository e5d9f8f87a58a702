package dev.amk.connections;

import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import okhttp3.HttpUrl;

import java.time.Instant;
import java.util.List;

/**
 * A connected account: where its API lives and how its secret is injected. The secret itself is in
 * the keychain under {@code secretRef}; this record never holds it. For an OAuth connection that secret is
 * the token set, and {@code oauth} says where it came from and how it stands; for an API key it is null.
 * {@code hostMaps} send hosts to other upstreams ({@link HostMap}); {@code baseUrl} is as the person gave it, before them.
 */
public record Connection(long id, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt,
		OAuthDetails oauth, List<HostMap> hostMaps) {

	public Connection {
		hostMaps = hostMaps == null ? List.of() : List.copyOf(hostMaps);
	}

	/** A connection without host maps. */
	public Connection(long id, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt,
			OAuthDetails oauth) {
		this(id, name, provider, baseUrl, injection, secretRef, createdAt, oauth, List.of());
	}

	/** An API-key connection. */
	public Connection(long id, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant createdAt) {
		this(id, name, provider, baseUrl, injection, secretRef, createdAt, null);
	}

	/** Where the broker really sends a call for {@code url} on this connection's behalf: through its host maps. */
	public HttpUrl mapped(HttpUrl url) {
		return HostMap.applyFirst(hostMaps, url);
	}

	/** The same connection with another upstream root and injection (the forward proxy's route to one of its hosts). */
	public Connection withUpstream(HttpUrl otherBaseUrl, Injection otherInjection) {
		return new Connection(id, name, provider, otherBaseUrl, otherInjection, secretRef, createdAt, oauth, hostMaps);
	}

	public boolean isOAuth() {
		return oauth != null;
	}
}
