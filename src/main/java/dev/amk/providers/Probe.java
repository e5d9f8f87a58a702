package dev.amk.providers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cheap authenticated GET that shows whether a key works: the connection test sends it, and the setup
 * snippets' curl line repeats it.
 *
 * @param path      appended to the connection's base URL, starting with '/'; null when no harmless path is known
 *                  (the base URL itself is asked)
 * @param headers   what the API refuses to answer without besides the key (Anthropic's version header)
 * @param provesKey false when a 2xx only shows that the address answers (a custom API, whose root may not check keys)
 */
public record Probe(String path, Map<String, String> headers, boolean provesKey) {
	public Probe {
		headers = Map.copyOf(headers);
		if (path != null && !path.startsWith("/")) {
			throw new IllegalArgumentException("a probe path starts with '/': " + path);
		}
	}

	/** A GET of {@code path} that the API answers 2xx only for a valid key. */
	public static Probe get(String path) {
		return new Probe(path, Map.of(), true);
	}

	/** A GET of the base URL itself, for an API with no known harmless path; its answer is still read as the key's. */
	public static Probe baseUrl() {
		return new Probe(null, Map.of(), true);
	}

	/** A GET of the base URL that shows only that the address answers: the page may not check keys (a custom API). */
	public static Probe addressOnly() {
		return new Probe(null, Map.of(), false);
	}

	/** The same request with one more header. */
	public Probe withHeader(String name, String value) {
		Map<String, String> all = new LinkedHashMap<>(headers);
		all.put(name, value);
		return new Probe(path, all, provesKey);
	}
}
