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
	 * Environment lines that point the provider's usual SDKs at the broker. {@code proxyBase} is
	 * {@code http://127.0.0.1:PORT/CONNECTION}.
	 */
	public List<String> agentSetup(String proxyBase, String key) {
		return switch (this) {
			case OPENAI -> List.of("OPENAI_BASE_URL=" + proxyBase + "/v1", "OPENAI_API_KEY=" + key);
			case ANTHROPIC -> List.of("ANTHROPIC_BASE_URL=" + proxyBase, "ANTHROPIC_API_KEY=" + key);
			case GEMINI -> List.of("GOOGLE_GEMINI_BASE_URL=" + proxyBase, "GEMINI_API_KEY=" + key);
			case GITHUB -> List.of("GITHUB_API_URL=" + proxyBase, "GH_TOKEN=" + key);
			case CUSTOM -> List.of("BASE_URL=" + proxyBase, "API_KEY=" + key);
		};
	}

	public static Provider fromId(String id) {
		return Arrays.stream(values())
				.filter(p -> p.id.equals(id.toLowerCase(Locale.ROOT)))
				.findFirst()
				.orElseThrow(() -> AmkException.invalid("Unknown provider '" + id + "'. Choose one of: "
						+ String.join(", ", Arrays.stream(values()).map(Provider::id).toList()) + "."));
	}
}
