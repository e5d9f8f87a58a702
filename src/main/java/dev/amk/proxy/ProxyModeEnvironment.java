package dev.amk.proxy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that points a tool at the broker in proxy mode (docs/contract.md, "Proxy mode"): the proxy variables
 * with the agent's key as the proxy password, the loopback exceptions, and the CA variables each runtime reads. What the
 * app shows under "Run a tool with this agent"; {@code amk run} sets the same proxy and CA variables (and more: the git
 * credential helper, SDK base URLs) with a fresh child key.
 *
 * <p>A pure function of its inputs: it reads no file and no secret. The app never has an agent's key (keys are stored
 * hashed), so it passes a placeholder.
 */
public final class ProxyModeEnvironment {
	/** What the app shows in place of the key, which only its owner has. */
	public static final String KEY_PLACEHOLDER = "<agent key>";
	/** Never through the proxy: the broker itself and anything else on this machine. */
	public static final String NO_PROXY = "localhost,127.0.0.1,::1";

	private ProxyModeEnvironment() {
	}

	/**
	 * @param agent  the agent's name: the proxy user name, shown in the broker's own messages only
	 * @param key    the agent's key, or {@link #KEY_PLACEHOLDER}
	 * @param caPem  the local CA's certificate ({@code amk ca path})
	 * @param bundle the system roots plus the CA ({@code amk ca bundle}), for runtimes that take one file of roots
	 * @return the variables in the order a person reads them
	 */
	public static Map<String, String> of(String agent, String key, int port, Path caPem, Path bundle) {
		String proxy = "http://" + agent + ":" + key + "@127.0.0.1:" + port;
		Map<String, String> env = new LinkedHashMap<>();
		env.put("HTTPS_PROXY", proxy);
		env.put("HTTP_PROXY", proxy);
		env.put("https_proxy", proxy);
		env.put("http_proxy", proxy);
		env.put("NO_PROXY", NO_PROXY);
		env.put("no_proxy", NO_PROXY);
		env.put("NODE_USE_ENV_PROXY", "1");
		env.put("NODE_EXTRA_CA_CERTS", caPem.toString());
		for (String name : new String[] {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "AWS_CA_BUNDLE"}) {
			env.put(name, bundle.toString());
		}
		return env;
	}

	/** The {@code amk run} line for {@code agent}, with {@code command} as written (a placeholder in the app). */
	public static String runLine(String agent, String command) {
		return "amk run " + agent + " -- " + command;
	}
}
