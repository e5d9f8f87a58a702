package dev.amk.doctor;

import java.util.List;
import java.util.Map;

/**
 * How a consumer that reads a key from a variable can be pointed at the broker instead: the variable that
 * sets its API address, and what goes after the connection's address. Only variables whose SDKs are known to
 * read such an address are listed; a consumer with any other variable is left alone, with the reason.
 */
record BrokerRoute(String provider, String keyVariable, String baseVariable, String suffix) {
	private static final List<BrokerRoute> ROUTES = List.of(
			new BrokerRoute("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", "/v1"),
			new BrokerRoute("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", ""),
			new BrokerRoute("anthropic", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", ""),
			new BrokerRoute("gemini", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL", ""));

	/** Where each provider's keys are rotated: listed at the end of a fix. */
	static final Map<String, String> ROTATE_AT = Map.ofEntries(
			Map.entry("openai", "https://platform.openai.com/api-keys"),
			Map.entry("anthropic", "https://console.anthropic.com/settings/keys"),
			Map.entry("gemini", "https://aistudio.google.com/apikey"),
			Map.entry("github", "https://github.com/settings/tokens"),
			Map.entry("slack", "https://api.slack.com/apps"),
			Map.entry("notion", "https://www.notion.so/profile/integrations"),
			Map.entry("linear", "https://linear.app/settings/account/security"),
			Map.entry("aws", "https://console.aws.amazon.com/iam/home#/security_credentials"),
			Map.entry("huggingface", "https://huggingface.co/settings/tokens"),
			Map.entry("stripe", "https://dashboard.stripe.com/apikeys"),
			Map.entry("npm", "https://www.npmjs.com/settings/~/tokens"));

	static BrokerRoute forVariable(String variable) {
		return ROUTES.stream().filter(r -> r.keyVariable.equals(variable)).findFirst().orElse(null);
	}

	/** What a consumer reading {@code url} should be given: {@code http://127.0.0.1:PORT/CONNECTION} plus the SDK's path. */
	String baseUrl(int port, String connection) {
		return "http://127.0.0.1:" + port + "/" + connection + suffix;
	}
}
