package dev.amk.connections;

import dev.amk.common.HostPattern;
import dev.amk.common.InvalidInput;
import okhttp3.HttpUrl;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --host-map HOST=URL}: requests for an intercepted host go to another upstream (GitHub Enterprise, a regional
 * endpoint, a loopback test server) and the mapped host belongs to the connection in proxy mode. The map applies to
 * every call the broker makes to that host for the connection: the agents' requests, the connection test, token
 * endpoints. The URL's path is a prefix: with {@code api.openai.com=http://127.0.0.1:8080/x}, a request for
 * {@code https://api.openai.com/v1/models} goes to {@code http://127.0.0.1:8080/x/v1/models}.
 *
 * @param host   the host (or {@code *.} pattern) as the tools name it
 * @param target where its requests go: https, or http on this machine only (the real credential travels there)
 */
public record HostMap(HostPattern host, HttpUrl target) {

	/** {@code HOST=URL}, validated; the URL by the base URL's rules (no user, query or fragment; plain http only on loopback). */
	public static HostMap parse(String text) {
		int eq = text == null ? -1 : text.indexOf('=');
		if (eq <= 0 || eq == text.length() - 1) {
			throw new InvalidInput(InvalidInput.Field.HOST_MAP, InvalidInput.Problem.MALFORMED, w -> "'" + text + "' is not HOST=URL; write "
					+ w.name(InvalidInput.Field.HOST_MAP) + " api.openai.com=https://eu.api.openai.com (a *. wildcard is allowed on the left).");
		}
		HostPattern host = HostPattern.parse(InvalidInput.Field.HOST_MAP, text.substring(0, eq));
		HttpUrl target;
		try {
			target = BaseUrls.parse(text.substring(eq + 1));
		} catch (InvalidInput e) {
			throw new InvalidInput(InvalidInput.Field.HOST_MAP, e.problem(), w -> "In " + w.name(InvalidInput.Field.HOST_MAP) + " " + text + ": "
					+ e.getMessage());
		}
		return new HostMap(host, target);
	}

	/** All of them, each host at most once. */
	public static List<HostMap> parseAll(List<String> texts) {
		List<HostMap> maps = texts == null ? List.of() : texts.stream().map(HostMap::parse).toList();
		requireDistinct(maps);
		return maps;
	}

	static void requireDistinct(List<HostMap> maps) {
		Set<String> seen = new HashSet<>();
		for (HostMap m : maps) {
			if (!seen.add(m.host().pattern())) {
				throw new InvalidInput(InvalidInput.Field.HOST_MAP, InvalidInput.Problem.CONFLICT, w -> "Host " + m.host() + " is mapped twice;"
						+ " give one " + w.name(InvalidInput.Field.HOST_MAP) + " per host.");
			}
		}
	}

	public boolean matches(String host) {
		return host().matches(host);
	}

	/** {@code url} sent to the target: its scheme, host and port, its path prefixed to the URL's; the query kept. */
	public HttpUrl apply(HttpUrl url) {
		HttpUrl.Builder b = url.newBuilder().scheme(target.scheme()).host(target.host()).port(target.port());
		String prefix = target.encodedPath().equals("/") ? "" : target.encodedPath();
		b.encodedPath(prefix + url.encodedPath());
		return b.build();
	}

	/** {@code url} as the maps send it: the first map whose host matches, else unchanged. */
	public static HttpUrl applyFirst(List<HostMap> maps, HttpUrl url) {
		String host = url.host().toLowerCase(java.util.Locale.ROOT);
		for (boolean wildcards : new boolean[] {false, true}) { // an exact host wins over a wildcard that also matches
			for (HostMap m : maps) {
				if (m.host().isWildcard() == wildcards && m.matches(host)) {
					return m.apply(url);
				}
			}
		}
		return url;
	}

	/** {@code HOST=URL}, as a person wrote it. */
	@Override
	public String toString() {
		return host + "=" + target;
	}
}
