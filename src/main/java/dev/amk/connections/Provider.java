package dev.amk.connections;

import dev.amk.common.AmkException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The provider catalog: each known API's upstream, how it takes its key, and what to tell an agent.
 * {@code custom} has no defaults; the user gives a base URL and an injection rule.
 */
public enum Provider {
	OPENAI("openai", "OpenAI", "https://api.openai.com", new Injection.Header("Authorization", "Bearer {secret}"), "/v1/models"),
	ANTHROPIC("anthropic", "Anthropic", "https://api.anthropic.com", new Injection.Header("x-api-key", "{secret}"), "/v1/models"),
	GEMINI("gemini", "Google Gemini", "https://generativelanguage.googleapis.com", new Injection.Header("x-goog-api-key", "{secret}"), "/v1beta/models"),
	GITHUB("github", "GitHub", "https://api.github.com", new Injection.Header("Authorization", "Bearer {secret}"), "/user"),
	CUSTOM("custom", "Custom HTTP API", null, null, null);

	private final String id;
	private final String displayName;
	private final String defaultBaseUrl;
	private final Injection defaultInjection;
	private final String probePath;

	Provider(String id, String displayName, String defaultBaseUrl, Injection defaultInjection, String probePath) {
		this.id = id;
		this.displayName = displayName;
		this.defaultBaseUrl = defaultBaseUrl;
		this.defaultInjection = defaultInjection;
		this.probePath = probePath;
	}

	public String id() {
		return id;
	}

	public String displayName() {
		return displayName;
	}

	/** The upstream API root; null for {@code custom}. */
	public String defaultBaseUrl() {
		return defaultBaseUrl;
	}

	/** How the real key is sent; null for {@code custom}. */
	public Injection defaultInjection() {
		return defaultInjection;
	}

	/** A cheap authenticated GET that proves a key works; null when unknown. */
	public String probePath() {
		return probePath;
	}

	/**
	 * Environment lines that point the provider's usual SDKs at the broker: the first of
	 * {@link #setupSnippets}, as {@code NAME=value}. {@code proxyBase} is {@code http://127.0.0.1:PORT/CONNECTION}.
	 */
	public List<String> agentSetup(String proxyBase, String key) {
		return setupSnippets(proxyBase, key).getFirst().env().stream().map(SetupSnippet.EnvVar::assignment).toList();
	}

	/**
	 * Ready-to-paste setup for the agents people commonly point at this provider, most common first, then a curl
	 * line that proves the key works. The one source of setup text: the CLI prints the first block's variables,
	 * the app shows them all. {@code proxyBase} is {@code http://127.0.0.1:PORT/CONNECTION}.
	 */
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		List<SetupSnippet> snippets = new java.util.ArrayList<>();
		switch (this) {
			case OPENAI -> snippets.add(envSnippet("openai-sdk", "OpenAI SDKs",
					"The OpenAI Python and Node SDKs, and most OpenAI-compatible tools, read these two variables.",
					"OPENAI_BASE_URL", proxyBase + "/v1", "OPENAI_API_KEY", key));
			case ANTHROPIC -> {
				snippets.add(envSnippet("anthropic-sdk", "Anthropic SDKs",
						"The Anthropic Python and TypeScript SDKs read ANTHROPIC_API_KEY; Claude Code has its own block.",
						"ANTHROPIC_BASE_URL", proxyBase, "ANTHROPIC_API_KEY", key));
				snippets.add(envSnippet("claude-code", "Claude Code",
						"Claude Code reads ANTHROPIC_AUTH_TOKEN (sent as a Bearer token, no API-key prompt); the SDKs read ANTHROPIC_API_KEY instead.",
						"ANTHROPIC_BASE_URL", proxyBase, "ANTHROPIC_AUTH_TOKEN", key));
			}
			case GEMINI -> snippets.add(envSnippet("gemini", "Gemini",
					"Gemini CLI reads these; with the Google Gen AI SDKs pass the same URL as the client's base_url and the key as api_key.",
					"GOOGLE_GEMINI_BASE_URL", proxyBase, "GEMINI_API_KEY", key));
			case GITHUB -> {
				snippets.add(envSnippet("github", "GitHub",
						"Scripts and tools that talk to the GitHub API read GITHUB_API_URL and GH_TOKEN.",
						"GITHUB_API_URL", proxyBase, "GH_TOKEN", key));
				// The key comes from GH_TOKEN rather than being pasted into source code, where it would be committed.
				snippets.add(new SetupSnippet("octokit", "Octokit",
						"JavaScript and TypeScript: export GH_TOKEN as above, then create the client like this.",
						List.of(), List.of("import { Octokit } from \"octokit\";",
								"const octokit = new Octokit({ baseUrl: \"" + proxyBase + "\", auth: process.env.GH_TOKEN });")));
			}
			case CUSTOM -> snippets.add(envSnippet("custom", "Your HTTP client",
					"Use this URL as the API's base URL, and send the key wherever the client sends an API key.",
					"BASE_URL", proxyBase, "API_KEY", key));
		}
		snippets.add(curlSnippet(proxyBase, key));
		return List.copyOf(snippets);
	}

	private SetupSnippet curlSnippet(String proxyBase, String key) {
		String path = probePath == null ? "/" : probePath;
		String extra = this == ANTHROPIC ? " -H \"anthropic-version: 2023-06-01\"" : "";
		String hint = probePath == null
				? "Checks the key from a terminal: put the API's own path after the connection name."
				: "Checks the key from a terminal with a harmless GET, which a read-only grant allows.";
		return new SetupSnippet("curl", "curl", hint, List.of(),
				List.of("curl " + proxyBase + path + " -H \"Authorization: Bearer " + key + "\"" + extra));
	}

	private static SetupSnippet envSnippet(String id, String title, String hint, String urlVar, String url, String keyVar, String key) {
		return new SetupSnippet(id, title, hint, List.of(new SetupSnippet.EnvVar(urlVar, url), new SetupSnippet.EnvVar(keyVar, key)), List.of());
	}

	public static Provider fromId(String id) {
		return Arrays.stream(values())
				.filter(p -> p.id.equals(id.toLowerCase(Locale.ROOT)))
				.findFirst()
				.orElseThrow(() -> AmkException.invalid("Unknown provider '" + id + "'. Choose one of: "
						+ String.join(", ", Arrays.stream(values()).map(Provider::id).toList()) + "."));
	}
}
