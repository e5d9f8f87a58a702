package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/** Anthropic's API: the key goes in {@code x-api-key}, and every request needs a version header. */
public final class Anthropic extends BaseProvider {
	/** Anthropic refuses any request without a version header; this one is stable and lists models. */
	static final String VERSION = "2023-06-01";
	private static final Probe PROBE = Probe.get("/v1/models").withHeader("anthropic-version", VERSION);

	Anthropic() {
		super("anthropic", "Anthropic", "https://api.anthropic.com", new Injection.Header("x-api-key", "{secret}"), PROBE);
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("api.anthropic.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key,
				SpecParts.env("anthropic-sdk", "Anthropic SDKs",
						"The Anthropic Python and TypeScript SDKs read ANTHROPIC_API_KEY; Claude Code has its own block.",
						"ANTHROPIC_BASE_URL", proxyBase, "ANTHROPIC_API_KEY", key),
				SpecParts.env("claude-code", "Claude Code",
						"Claude Code reads ANTHROPIC_AUTH_TOKEN (sent as a Bearer token, no API-key prompt); the SDKs read ANTHROPIC_API_KEY instead.",
						"ANTHROPIC_BASE_URL", proxyBase, "ANTHROPIC_AUTH_TOKEN", key));
	}
}
