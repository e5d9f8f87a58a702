package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/** OpenAI's API, with an API key sent as a Bearer token. */
public final class OpenAi extends BaseProvider {
	OpenAi() {
		super("openai", "OpenAI", "https://api.openai.com", SpecParts.BEARER, Probe.get("/v1/models"));
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("api.openai.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("openai-sdk", "OpenAI SDKs",
				"The OpenAI Python and Node SDKs, and most OpenAI-compatible tools, read these two variables.",
				"OPENAI_BASE_URL", proxyBase + "/v1", "OPENAI_API_KEY", key));
	}
}
