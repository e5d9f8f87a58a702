package dev.amk.proxy;

import dev.amk.providers.Injection;
import okhttp3.Credentials;
import okhttp3.HttpUrl;

import java.nio.charset.StandardCharsets;

/**
 * Puts a connection's real secret into an upstream request. The proxy and the connection test both go
 * through here, so a key that passes the test is sent exactly the way agents' requests will send it.
 */
final class SecretInjection {
	private SecretInjection() {
	}

	/** Adds the secret as a query parameter when that is how the connection takes it; otherwise leaves the URL alone. */
	static void intoUrl(HttpUrl.Builder url, Injection injection, String secret) {
		if (injection instanceof Injection.Query q) {
			url.addQueryParameter(q.parameter(), secret);
		}
	}

	/** Sets the credential header, replacing any header of the same name. */
	static void intoHeaders(okhttp3.Request.Builder request, Injection injection, String secret) {
		switch (injection) {
			case Injection.Header h -> request.header(h.name(), h.value(secret));
			case Injection.Basic b -> request.header("Authorization", Credentials.basic(b.user(), secret, StandardCharsets.UTF_8));
			case Injection.Query q -> {
				// carried in the URL: see intoUrl
			}
		}
	}

	/** True when {@code url} goes to exactly the base's scheme, host and port: the only place its secret may go. */
	static boolean staysOn(HttpUrl url, HttpUrl base) {
		return url.scheme().equals(base.scheme()) && url.host().equals(base.host()) && url.port() == base.port();
	}
}
