package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the agent key wherever an unmodified SDK puts its API key: {@code Authorization: Bearer} (OpenAI,
 * GitHub, most), {@code Authorization: token} (Octokit), HTTP Basic (user or password), {@code x-api-key}
 * (Anthropic), {@code x-goog-api-key} (Gemini), {@code api-key} (Azure style), the {@code key} query
 * parameter (Gemini REST), or a WebSocket subprotocol {@code openai-insecure-api-key.KEY}: browsers cannot set headers on a
 * WebSocket, so OpenAI's Realtime API takes the key as one of the offered subprotocols.
 */
final class AgentKeyLocator {
	/** Request headers that carry credentials. All are removed before forwarding, whatever they hold. */
	static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "x-api-key", "x-goog-api-key", "api-key", "proxy-authorization");
	static final String QUERY_PARAMETER = "key";
	/** The header a browser's WebSocket offers subprotocols in; one of them may carry the key ({@link #SUBPROTOCOL_PREFIX}). */
	static final String SUBPROTOCOL_HEADER = "sec-websocket-protocol";
	/** OpenAI's subprotocol for a key ({@code new WebSocket(url, ["realtime", "openai-insecure-api-key." + KEY])}). */
	static final String SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

	sealed interface Result {
	}

	record Found(String key) implements Result {
	}

	record Missing() implements Result {
	}

	/** Two different agent keys in one request: refuse rather than guess which one the agent meant. */
	record Conflicting() implements Result {
	}

	/** The one agent key the request carries, or null when it carries none; refused when it carries two. */
	static String presentedKey(HttpFields headers, List<QueryParameter> query) throws Refused {
		return switch (locate(headers, query)) {
			case Found(String key) -> key;
			case Missing _ -> null;
			case Conflicting _ -> throw Refused.of(ErrorType.BAD_REQUEST, "The request carries two different agent keys; send exactly one.");
		};
	}

	static Result locate(HttpFields headers, List<QueryParameter> query) {
		Set<String> candidates = new LinkedHashSet<>();
		boolean anyCredential = false;
		for (HttpField field : headers) {
			String name = field.getLowerCaseName();
			if (name.equals(SUBPROTOCOL_HEADER)) {
				for (String token : field.getValue().split(",")) {
					String key = subprotocolKey(token);
					if (key != null) {
						anyCredential = true;
						candidates.add(key);
					}
				}
				continue;
			}
			if (!CREDENTIAL_HEADERS.contains(name) || name.equals("proxy-authorization")) {
				continue;
			}
			anyCredential = true;
			String value = field.getValue().strip();
			if (name.equals("authorization")) {
				fromAuthorization(value, candidates);
			} else {
				candidates.add(value);
			}
		}
		for (QueryParameter p : query) {
			if (p.decodedName().equals(QUERY_PARAMETER)) {
				anyCredential = true;
				candidates.add(p.decodedValue());
			}
		}
		// Only amk_-shaped values count; anything else sent as a credential (a real key pasted by mistake)
		// is still stripped, but it cannot authenticate.
		List<String> keys = candidates.stream().filter(AgentKey::looksLikeAgentKey).distinct().toList();
		if (keys.size() > 1) {
			return new Conflicting();
		}
		if (keys.size() == 1) {
			return new Found(keys.getFirst());
		}
		// A non-amk_ credential is treated like any malformed key: the policy answers invalid_key.
		return anyCredential && !candidates.isEmpty() ? new Found(candidates.iterator().next()) : new Missing();
	}

	/** The key a subprotocol carries ({@code openai-insecure-api-key.KEY}), or null for any other subprotocol. */
	static String subprotocolKey(String token) {
		String t = token.strip();
		return t.regionMatches(true, 0, SUBPROTOCOL_PREFIX, 0, SUBPROTOCOL_PREFIX.length()) ? t.substring(SUBPROTOCOL_PREFIX.length()) : null;
	}

	private static void fromAuthorization(String value, Set<String> out) {
		int space = value.indexOf(' ');
		if (space < 0) {
			out.add(value);
			return;
		}
		String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
		String credentials = value.substring(space + 1).strip();
		if (scheme.equals("basic")) {
			try {
				String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				String user = colon < 0 ? decoded : decoded.substring(0, colon);
				String password = colon < 0 ? "" : decoded.substring(colon + 1);
				if (AgentKey.looksLikeAgentKey(password)) {
					out.add(password);
				} else if (AgentKey.looksLikeAgentKey(user)) {
					out.add(user);
				} else {
					out.add(password);
				}
			} catch (IllegalArgumentException e) {
				out.add(credentials);
			}
		} else {
			out.add(credentials);
		}
	}
}
