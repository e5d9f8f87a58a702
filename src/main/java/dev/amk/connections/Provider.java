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
	// Gmail, Drive and Calendar all answer under www.googleapis.com (/gmail/v1, /drive/v3, /calendar/v3).
	GOOGLE("google", "Google", "https://www.googleapis.com", new Injection.Header("Authorization", "Bearer {secret}"), "/oauth2/v3/userinfo"),
	SLACK("slack", "Slack", "https://slack.com/api", new Injection.Header("Authorization", "Bearer {secret}"), "/auth.test"),
	NOTION("notion", "Notion", "https://api.notion.com", new Injection.Header("Authorization", "Bearer {secret}"), null),
	LINEAR("linear", "Linear", "https://api.linear.app", new Injection.Header("Authorization", "Bearer {secret}"), null),
	CUSTOM("custom", "Custom HTTP API", null, null, null),
	/** Any OAuth 2.0 API: the user gives the endpoints and the API's base URL; tokens go as Bearer. */
	OAUTH("oauth", "OAuth 2.0 API", null, new Injection.Header("Authorization", "Bearer {secret}"), null);

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

	/**
	 * True when a person can connect it by pasting a key. Google's APIs and the generic OAuth provider only
	 * take OAuth tokens, which the broker must be able to refresh: those connect with {@code connection connect}.
	 */
	public boolean takesApiKey() {
		return this != GOOGLE && this != OAUTH;
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
			case GOOGLE -> snippets.add(envSnippet("google", "Google APIs",
					"Send Gmail (/gmail/v1), Drive (/drive/v3) and Calendar (/calendar/v3) requests to this URL instead of"
							+ " https://www.googleapis.com, with the key as the Bearer token.",
					"GOOGLE_API_BASE_URL", proxyBase, "GOOGLE_ACCESS_TOKEN", key));
			case SLACK -> snippets.add(envSnippet("slack", "Slack SDKs",
					"Pass the URL as slack_api_url (Python) or slackApiUrl (Node) and the key as the token.",
					"SLACK_API_URL", proxyBase + "/", "SLACK_TOKEN", key));
			case NOTION -> snippets.add(envSnippet("notion", "Notion SDK",
					"With @notionhq/client: new Client({ auth: process.env.NOTION_TOKEN, baseUrl: process.env.NOTION_BASE_URL }).",
					"NOTION_BASE_URL", proxyBase, "NOTION_TOKEN", key));
			case LINEAR -> snippets.add(envSnippet("linear", "Linear SDK",
					"With @linear/sdk: new LinearClient({ accessToken: process.env.LINEAR_ACCESS_TOKEN, apiUrl: process.env.LINEAR_API_URL }).",
					"LINEAR_API_URL", proxyBase + "/graphql", "LINEAR_ACCESS_TOKEN", key));
			case CUSTOM, OAUTH -> snippets.add(envSnippet(id, "Your HTTP client",
					"Use this URL as the API's base URL, and send the key wherever the client sends an API key.",
					"BASE_URL", proxyBase, "API_KEY", key));
		}
		snippets.add(curlSnippet(proxyBase, key));
		return List.copyOf(snippets);
	}

	private SetupSnippet curlSnippet(String proxyBase, String key) {
		String path = probePath == null ? "/" : probePath;
		String extra = switch (this) {
			case ANTHROPIC -> " -H \"anthropic-version: 2023-06-01\"";
			case NOTION -> " -H \"Notion-Version: 2022-06-28\"";
			default -> "";
		};
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
