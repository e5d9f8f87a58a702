package dev.amk.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Headers that never cross the broker: hop-by-hop ones (RFC 9110 §7.6.1), including those a {@code Connection}
 * header lists, and on the way up every header an agent key may be in. The sets are computed once; the hot path
 * only looks names up.
 */
final class HopByHop {
	/** Hop-by-hop and framing headers, those OkHttp or Jetty set themselves, and every credential header, whatever it holds. */
	private static final Set<String> NOT_FORWARDED = Stream.concat(Stream.of("connection", "keep-alive", "proxy-connection",
			"proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
			"http2-settings"), AgentKeyLocator.CREDENTIAL_HEADERS.stream()).collect(Collectors.toUnmodifiableSet());
	private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te",
			"trailer", "transfer-encoding", "upgrade");

	private HopByHop() {
	}

	/**
	 * @param lowerCaseName     a request header's name in lower case
	 * @param connectionListed  the names the request's Connection header lists
	 */
	static boolean keptUpstream(String lowerCaseName, List<String> connectionListed) {
		return !NOT_FORWARDED.contains(lowerCaseName) && !lowerCaseName.startsWith("proxy-") && !isListed(connectionListed, lowerCaseName);
	}

	/** @param connectionListed the names the response's Connection header lists, from {@link #connectionTokens} */
	static boolean returned(String name, List<String> connectionListed) {
		return !NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT)) && !isListed(connectionListed, name);
	}

	/** The header names listed by Connection header values; usually none, and then nothing is allocated. */
	static List<String> connectionTokens(List<String> connectionValues) {
		if (connectionValues.isEmpty()) {
			return List.of();
		}
		List<String> tokens = new ArrayList<>();
		for (String value : connectionValues) {
			for (String token : value.split(",")) {
				tokens.add(token.strip());
			}
		}
		return tokens;
	}

	private static boolean isListed(List<String> names, String name) {
		for (String listed : names) {
			if (listed.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}
}
