package dev.amk.proxy;

import dev.amk.common.ErrorType;
import dev.amk.agents.AgentKey;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

import java.util.List;

/**
 * The first stage of a base-URL route: is this a request the broker may read at all (framing, Host), and
 * which connection and path does it name. Everything after this stage works on the parsed route.
 */
final class RequestValidation {
	private RequestValidation() {
	}

	static RequestTarget validate(Request request) throws Refused {
		checkFraming(request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING));
		checkHeaderNames(request.getHeaders());
		checkHost(request);
		try {
			return RequestTarget.parse(request.getHttpURI().getPath());
		} catch (RequestTarget.Refused e) {
			throw Refused.of(ErrorType.BAD_REQUEST, e.getMessage());
		}
	}

	/**
	 * Jetty's parser already refuses Transfer-Encoding with Content-Length and duplicate lengths. A transfer
	 * coding other than plain {@code chunked} is legal HTTP but no API client sends one, and peers disagree
	 * on how to frame it: refuse it rather than guess (RFC 9112 §6.1).
	 */
	static void checkFraming(List<String> transferCodings) throws Refused {
		if (!transferCodings.isEmpty() && !(transferCodings.size() == 1 && transferCodings.getFirst().strip().equalsIgnoreCase("chunked"))) {
			throw Refused.closingConnection(ErrorType.BAD_REQUEST,
					"Only 'Transfer-Encoding: chunked' is accepted; send the body plainly or with Content-Length.");
		}
	}

	/**
	 * Some servers (and CGI-style gateways) read an underscore in a header name as a hyphen: {@code Transfer_Encoding}
	 * would frame the body for them, {@code X_Api_Key} would carry a credential past the broker's stripping. Refused where
	 * the name, so read, is one the broker treats specially; other names with underscores pass.
	 */
	static void checkHeaderNames(HttpFields headers) throws Refused {
		for (HttpField field : headers) {
			String name = field.getLowerCaseName();
			if (name.indexOf('_') >= 0 && !HopByHop.keptUpstream(name.replace('_', '-'), List.of())) {
				throw Refused.closingConnection(ErrorType.BAD_REQUEST, "The header name '" + field.getName() + "' uses '_' where a"
						+ " framing or credential header has '-'; some servers would read it as that header. Use the real header name.");
			}
		}
	}

	/**
	 * An agent key anywhere but where keys go (a path segment, a query value other than {@code key}) would be forwarded
	 * upstream as part of the URL. Refused rather than stripped: an agent that put it there is misconfigured, and removing
	 * part of a URL could change what it asks for.
	 */
	static void refuseKeysInTarget(List<String> segments, List<QueryParameter> query) throws Refused {
		for (String segment : segments) {
			if (segment.contains(AgentKey.PREFIX) && UpstreamRequest.looksLikeKeyInside(segment)) {
				throw keyInTarget();
			}
		}
		for (QueryParameter p : query) {
			if (!p.decodedName().equals(AgentKeyLocator.QUERY_PARAMETER) && (p.decodedValue().contains(AgentKey.PREFIX)
					&& UpstreamRequest.looksLikeKeyInside(p.decodedValue()) || p.decodedName().contains(AgentKey.PREFIX)
					&& UpstreamRequest.looksLikeKeyInside(p.decodedName()))) {
				throw keyInTarget();
			}
		}
	}

	private static Refused keyInTarget() {
		return Refused.of(ErrorType.BAD_REQUEST, "The URL carries an agent key in its path or in a query parameter other than 'key';"
				+ " it would be sent upstream. Send the key as the API key (Authorization: Bearer, x-api-key, or ?key=).");
	}

	private static void checkHost(Request request) throws Refused {
		HttpURI uri = request.getHttpURI();
		String authority = uri.getHost() == null ? null : (uri.getPort() > 0 ? hostPort(uri.getHost(), uri.getPort()) : uri.getHost());
		checkHost(request.getHeaders().getValuesList(HttpHeader.HOST), authority, Request.getLocalPort(request), ContainerAccess.of(request));
	}

	/** @param authority the request target's own authority (absolute form), or null */
	static void checkHost(List<String> hostHeaders, String authority, int port) throws Refused {
		checkHost(hostHeaders, authority, port, ContainerAccess.OFF);
	}

	static void checkHost(List<String> hostHeaders, String authority, int port, ContainerAccess containers) throws Refused {
		if (hostHeaders.isEmpty()) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request has no Host header.");
		}
		if (hostHeaders.size() > 1) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request has more than one Host header.");
		}
		if (!HostCheck.allows(hostHeaders.getFirst(), port, containers) || (authority != null && !HostCheck.allows(authority, port, containers))) {
			throw Refused.of(ErrorType.BAD_HOST, "This broker answers only to 127.0.0.1, localhost or [::1] with its port."
					+ " Point your agent at http://127.0.0.1:PORT/CONNECTION/…");
		}
	}

	private static String hostPort(String host, int port) {
		String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
		return h + ":" + port;
	}
}
