package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.List;

/** The pieces most provider classes assemble their answers from, so that each class states only what is its own. */
final class SpecParts {
	static final Injection BEARER = new Injection.Header("Authorization", "Bearer {secret}");

	private SpecParts() {
	}

	/** A block of two variables: where the SDK sends its requests, and the key it sends. */
	static SetupSnippet env(String id, String title, String hint, String urlVar, String url, String keyVar, String key) {
		return new SetupSnippet(id, title, hint, List.of(new SetupSnippet.EnvVar(urlVar, url), new SetupSnippet.EnvVar(keyVar, key)), List.of());
	}

	/** For an API the broker knows nothing about: a base URL and a key, named as most HTTP clients name them. */
	static SetupSnippet anyClient(String id, String proxyBase, String key) {
		return env(id, "Your HTTP client", "Use this URL as the API's base URL, and send the key wherever the client sends an API key.",
				"BASE_URL", proxyBase, "API_KEY", key);
	}

	/** {@code snippets}, then the curl line that repeats the connection test through the broker. */
	static List<SetupSnippet> withCurl(Probe probe, String proxyBase, String key, SetupSnippet... snippets) {
		List<SetupSnippet> all = new ArrayList<>(List.of(snippets));
		all.add(curl(probe, proxyBase, key));
		return List.copyOf(all);
	}

	static SetupSnippet curl(Probe probe, String proxyBase, String key) {
		String path = probe.path() == null ? "/" : probe.path();
		StringBuilder line = new StringBuilder("curl ").append(proxyBase).append(path).append(" -H \"Authorization: Bearer ").append(key).append('"');
		probe.headers().forEach((name, value) -> line.append(" -H \"").append(name).append(": ").append(value).append('"'));
		String hint = probe.path() == null
				? "Checks the key from a terminal: put the API's own path after the connection name."
				: "Checks the key from a terminal with a harmless GET, which a read-only grant allows.";
		return new SetupSnippet("curl", "curl", hint, List.of(), List.of(line.toString()));
	}

	/** The provider's own hosts, and the connection's base URL host when it is another (an enterprise server, a test). */
	static List<OwnedHost> hosts(HttpUrl baseUrl, OwnedHost... own) {
		List<OwnedHost> all = new ArrayList<>(List.of(own));
		if (baseUrl != null && all.stream().noneMatch(h -> h.matches(baseUrl.host()))) {
			all.add(OwnedHost.of(baseUrl.host()));
		}
		return List.copyOf(all);
	}
}
