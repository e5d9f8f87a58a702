package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The agent key of a forward-proxy request: the password of {@code Proxy-Authorization: Basic}, which is where
 * {@code HTTPS_PROXY=http://AGENT:amk_KEY@127.0.0.1:PORT} puts it. The user name is free (the agent's name, by
 * convention) and never checked; a key given as the user name is accepted too, as on base-URL routes.
 */
final class ProxyCredentials {
	/** Sent with every 407, so that clients that wait for a challenge before sending credentials send them. */
	static final String CHALLENGE = "Basic realm=\"Agent Master Key\"";

	private ProxyCredentials() {
	}

	static boolean present(HttpFields headers) {
		return headers.contains(HttpHeader.PROXY_AUTHORIZATION);
	}

	/** The presented key (its shape is {@link CallerIdentification}'s to judge), or refused when there is none to judge. */
	static String presentedKey(HttpFields headers) throws Refused {
		List<String> values = headers.getValuesList(HttpHeader.PROXY_AUTHORIZATION);
		if (values.isEmpty()) {
			throw Refused.of(ErrorType.PROXY_AUTH_REQUIRED, "This is Agent Master Key's forward proxy: give your amk_ key as the proxy"
					+ " password, as in HTTPS_PROXY=http://AGENT:amk_KEY@127.0.0.1:PORT.");
		}
		if (values.size() > 1) {
			throw Refused.of(ErrorType.INVALID_KEY, "The request carries more than one Proxy-Authorization header; send exactly one.");
		}
		String value = values.getFirst().strip();
		int space = value.indexOf(' ');
		if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
			throw Refused.of(ErrorType.INVALID_KEY, "Only Basic proxy credentials are accepted: the user name is free, the password is"
					+ " your amk_ key.");
		}
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(value.substring(space + 1).strip()), StandardCharsets.UTF_8);
		} catch (IllegalArgumentException e) {
			throw Refused.of(ErrorType.INVALID_KEY, "The Proxy-Authorization header is not valid Basic credentials (base64 of user:password).");
		}
		int colon = decoded.indexOf(':');
		String user = colon < 0 ? decoded : decoded.substring(0, colon);
		String password = colon < 0 ? "" : decoded.substring(colon + 1);
		return !AgentKey.looksLikeAgentKey(password) && AgentKey.looksLikeAgentKey(user) ? user : password;
	}
}
