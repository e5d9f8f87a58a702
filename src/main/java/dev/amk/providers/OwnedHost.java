package dev.amk.providers;

/**
 * A host whose traffic belongs to a provider in {@code HTTPS_PROXY} mode: a request the broker intercepts for this
 * host goes to the connection and gets its credential. Data only for now; the proxy mode reads it.
 *
 * @param pattern   an exact host ({@code api.openai.com}) or a {@code *.} wildcard ({@code *.googleapis.com})
 * @param injection how the credential goes to this host when it differs from the connection's own (git over HTTPS
 *                  to github.com takes Basic {@code x-access-token:TOKEN}); null for the connection's
 */
public record OwnedHost(String pattern, Injection injection) {
	public OwnedHost {
		if (pattern == null || pattern.isBlank() || pattern.contains("/") || pattern.indexOf('*') > 0
				|| (pattern.startsWith("*") && !pattern.startsWith("*."))) {
			throw new IllegalArgumentException("a host or *.suffix pattern: " + pattern);
		}
	}

	public static OwnedHost of(String pattern) {
		return new OwnedHost(pattern, null);
	}

	/** Whether {@code host} (lower case, no port) is this one: {@code *.x.com} matches {@code a.x.com}, not {@code x.com}. */
	public boolean matches(String host) {
		return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1 : host.equals(pattern);
	}
}
