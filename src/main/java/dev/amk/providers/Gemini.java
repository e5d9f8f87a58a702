package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/** Google's Gemini API (Generative Language), with an API key in {@code x-goog-api-key}. */
public final class Gemini extends BaseProvider {
	Gemini() {
		super("gemini", "Google Gemini", "https://generativelanguage.googleapis.com", new Injection.Header("x-goog-api-key", "{secret}"), Probe.get("/v1beta/models"));
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("generativelanguage.googleapis.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("gemini", "Gemini",
				"Gemini CLI reads these; with the Google Gen AI SDKs pass the same URL as the client's base_url and the key as api_key.",
				"GOOGLE_GEMINI_BASE_URL", proxyBase, "GEMINI_API_KEY", key));
	}
}
