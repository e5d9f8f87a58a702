package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/**
 * Everything the broker knows about one provider, in one place: who it is, where its API lives and which hosts
 * it owns, how its credential is sent, how a key is tested, what an agent pastes to use it, and how it signs in
 * with OAuth. One class per provider in this package implements it; {@link Providers} lists them, and every list
 * of providers (CLI help, completions and checks, the app's pickers and buttons) is derived from that list.
 *
 * <p>Implementations are immutable singletons, so {@code ==} tells whether two connections share a provider; code
 * never tests for one particular provider, it asks the spec. A new provider: a class here, a line in
 * {@link Providers}, and its test.
 */
public interface ProviderSpec {
	/** The name stored in the registry and typed after {@code --provider}: never change it once released. */
	String id();

	/** How a person calls it: "OpenAI", "Google Gemini". */
	String displayName();

	/** The upstream API root a connection gets unless the person gives another; null when the person must give it. */
	String defaultBaseUrl();

	/** How the credential is sent upstream; null when the person chooses (a custom API). */
	Injection defaultInjection();

	/**
	 * The hosts this provider's traffic goes to in {@code HTTPS_PROXY} mode. {@code baseUrl} is the connection's own
	 * upstream: its host is always owned (a custom API, GitHub Enterprise).
	 */
	List<OwnedHost> hosts(HttpUrl baseUrl);

	/** The connection test's request. */
	Probe probe();

	/**
	 * Ready-to-paste setup for the agents people commonly point at this provider, most common first, ending with a
	 * curl line that proves the key works. The CLI prints the first block's variables, the app shows them all.
	 * {@code proxyBase} is {@code http://127.0.0.1:PORT/CONNECTION}; snippets hold the agent key: never log them.
	 */
	List<SetupSnippet> setupSnippets(String proxyBase, String key);

	/** How it signs in with OAuth; empty for API-key-only providers. */
	default Optional<OAuthProfile> oauth() {
		return Optional.empty();
	}

	/**
	 * True when a person can connect it by pasting a key. Providers whose APIs take only OAuth tokens, which the
	 * broker must be able to refresh, connect with {@code connection connect} instead.
	 */
	default boolean takesApiKey() {
		return true;
	}

	/**
	 * True when the broker signs each request itself (AWS SigV4) instead of putting the secret in it: the stored secret
	 * is then the account's keys, never sent, and the proxy hands the request to the signer rather than inject.
	 */
	default boolean signsRequests() {
		return false;
	}

	/** True when grants may carry a session policy or a list of services ({@code CONN:policy=…}, {@code CONN:services=…}): AWS. */
	default boolean takesSessionPolicy() {
		return false;
	}

	/** True when grants may choose the OAuth scopes of the tokens the broker mints ({@code CONN:scopes=…}): Google Cloud. */
	default boolean takesTokenScopes() {
		return false;
	}

	/** True for an MCP server: its JSON-RPC traffic is inspected for per-tool grants ({@code dev.amk.mcp}). */
	default boolean speaksMcp() {
		return false;
	}

	/**
	 * True when the provider's own policy engine enforces a {@code read} grant (an AWS session policy): the broker then
	 * does not also limit the methods, since read-only cloud APIs are POSTs too ({@code sts get-caller-identity}).
	 */
	default boolean enforcesReadItself() {
		return false;
	}

	/**
	 * The RFC 8707 {@code resource} indicator every token request of a connection at {@code baseUrl} carries, binding its
	 * tokens to that server (MCP authorization requires it); null for providers that take none.
	 */
	default String oauthResource(HttpUrl baseUrl) {
		return null;
	}

	/** Where a person withdraws an app's access by hand, when the broker could not revoke it. */
	default String accessPage() {
		return "the provider's account settings";
	}

	/** "OpenAI (api.openai.com)": how messages about a request to {@code host} name the upstream. */
	default String upstreamName(String host) {
		return displayName() + " (" + host + ")";
	}

	/** The first snippet's variables as {@code NAME=value}: what the CLI prints after creating an agent key. */
	default List<String> agentSetup(String proxyBase, String key) {
		return setupSnippets(proxyBase, key).getFirst().env().stream().map(SetupSnippet.EnvVar::assignment).toList();
	}
}
