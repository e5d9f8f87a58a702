package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/** What the per-provider tests look up in a spec. */
final class Specs {
	static final String KEY = "amk_TESTKEY";
	static final String BASE = "http://127.0.0.1:9400/conn";

	private Specs() {
	}

	static SetupSnippet snippet(ProviderSpec p, String id) {
		return p.setupSnippets(BASE, KEY).stream().filter(s -> s.id().equals(id)).findFirst()
				.orElseThrow(() -> new AssertionError(p.id() + " has no '" + id + "' snippet"));
	}

	static List<String> snippetIds(ProviderSpec p) {
		return p.setupSnippets(BASE, KEY).stream().map(SetupSnippet::id).toList();
	}

	/** The host patterns owned by a connection at the provider's own base URL (or {@code baseUrl} when it has none). */
	static List<String> hosts(ProviderSpec p, String baseUrl) {
		return p.hosts(HttpUrl.get(baseUrl)).stream().map(OwnedHost::pattern).toList();
	}

	static List<String> hosts(ProviderSpec p) {
		return hosts(p, p.defaultBaseUrl());
	}
}
