package dev.amk.run;

import dev.amk.connections.Connection;
import dev.amk.providers.SetupSnippet;
import dev.amk.proxy.ProxyModeEnvironment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment {@code amk run} gives a tool (docs/contract.md, "Proxy mode"): the proxy variables with the child key as
 * the proxy password, the CA variables each runtime reads, a git credential helper, and each granted connection's SDK
 * variables with the child key as placeholder. Nothing real: the key is worthless once the run ends, and the variables
 * in which tools usually find real secrets are removed from what the tool inherits.
 *
 * <p>The git credential helper is a shell function (git runs {@code !…} helpers with {@code sh}): it prints the key from
 * {@value #KEY_VARIABLE} and starts no JVM, so a tool calling git a thousand times pays nothing for it.
 */
public final class ToolEnvironment {
	/** Where the tool (and the git helper) finds the child key. */
	public static final String KEY_VARIABLE = "AMK_AGENT_KEY";
	/** The run's agent name, for tools and scripts that want to say who they are. */
	public static final String AGENT_VARIABLE = "AMK_AGENT";

	/** Inherited variables that commonly hold real credentials or point SDKs elsewhere: never passed to the tool. */
	static final Set<String> REMOVED = Set.of("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL",
			"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
			"GITHUB_API_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ALL_PROXY", "all_proxy", "GIT_ASKPASS",
			"SSH_ASKPASS");

	/** The git credential helper: answers {@code get} with the child key from the environment, ignores {@code store}/{@code erase}. */
	static final String GIT_HELPER = "!f() { test \"$1\" = get && printf 'username=x-access-token\\npassword=%s\\n' \"$" + KEY_VARIABLE
			+ "\"; }; f";

	/**
	 * @param port          the broker's port on 127.0.0.1
	 * @param agent         the child agent's name (the proxy user name)
	 * @param key           the child key
	 * @param caCertificate {@code amk ca path}: the CA alone (Node adds it to its roots)
	 * @param caBundle      {@code amk ca bundle}: system roots plus the CA (the rest replace their roots with it)
	 * @param connections   the connections the child key is granted
	 * @param nodePreload   {@link NodePreload#install}: named in {@code NODE_OPTIONS}; null leaves {@code NODE_OPTIONS} as inherited
	 */
	public record Inputs(int port, String agent, String key, Path caCertificate, Path caBundle, List<Connection> connections, Path nodePreload) {
	}

	private ToolEnvironment() {
	}

	/** What {@code amk run} sets, in a stable order: what the app shows and what {@link #forTool} adds. */
	public static Map<String, String> variables(Inputs in) {
		// The proxy and CA variables are the ones the app shows for an agent: one list for both.
		Map<String, String> env = new LinkedHashMap<>(ProxyModeEnvironment.of(in.agent(), in.key(), in.port(), in.caCertificate(), in.caBundle()));
		env.put(AGENT_VARIABLE, in.agent());
		env.put(KEY_VARIABLE, in.key());
		Set<String> providersDone = new java.util.HashSet<>();
		for (Connection c : in.connections().stream().sorted(java.util.Comparator.comparing(Connection::name)).toList()) {
			if (!providersDone.add(c.provider().id())) {
				continue; // two connections of one provider: the SDK variables name one, the first by name; the base-URL routes reach both
			}
			for (String assignment : c.provider().agentSetup(SetupSnippet.proxyBase(in.port(), c.name()), in.key())) {
				int eq = assignment.indexOf('=');
				env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
			}
			switch (c.provider().id()) {
				case "anthropic" -> env.put("ANTHROPIC_API_KEY", in.key());
				case "gemini" -> env.put("GEMINI_API_KEY", in.key());
				case "github" -> {
					env.put("GH_TOKEN", in.key());
					env.put("GITHUB_TOKEN", in.key());
				}
				default -> {
				}
			}
		}
		return env;
	}

	/**
	 * The tool's whole environment: {@code inherited} without {@link #REMOVED} and without other proxy settings, plus
	 * {@link #variables}, plus the git credential helper appended to any {@code GIT_CONFIG_COUNT} entries already there
	 * (an empty {@code credential.helper} first, so that no helper configured elsewhere answers with a real token), and
	 * {@code http.proxyAuthMethod=basic}, so that git sends the proxy credentials at once; and {@link NodePreload} added to
	 * {@code NODE_OPTIONS}, so that Node SDKs with agents of their own use the proxy too.
	 */
	public static Map<String, String> forTool(Map<String, String> inherited, Inputs in) {
		Map<String, String> env = new LinkedHashMap<>(inherited);
		env.keySet().removeIf(REMOVED::contains);
		env.putAll(variables(in));
		int count = 0;
		try {
			count = Math.max(0, Integer.parseInt(env.getOrDefault("GIT_CONFIG_COUNT", "0").strip()));
		} catch (NumberFormatException ignored) {
			// a malformed count: git would refuse it too; start ours at 0
		}
		env.put("GIT_CONFIG_KEY_" + count, "credential.helper");
		env.put("GIT_CONFIG_VALUE_" + count, "");
		env.put("GIT_CONFIG_KEY_" + (count + 1), "credential.helper");
		env.put("GIT_CONFIG_VALUE_" + (count + 1), GIT_HELPER);
		// libcurl would first try the proxy without credentials and send them only after a 407 (an audit row per connection).
		env.put("GIT_CONFIG_KEY_" + (count + 2), "http.proxyAuthMethod");
		env.put("GIT_CONFIG_VALUE_" + (count + 2), "basic");
		env.put("GIT_CONFIG_COUNT", String.valueOf(count + 3));
		if (in.nodePreload() != null) {
			env.put("NODE_OPTIONS", NodePreload.nodeOptions(env.get("NODE_OPTIONS"), in.nodePreload()));
		}
		return env;
	}
}
