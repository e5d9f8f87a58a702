package dev.amk.proxy;

import dev.amk.common.ErrorType;
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

	private static void checkHost(Request request) throws Refused {
		HttpURI uri = request.getHttpURI();
		String authority = uri.getHost() == null ? null : (uri.getPort() > 0 ? hostPort(uri.getHost(), uri.getPort()) : uri.getHost());
		checkHost(request.getHeaders().getValuesList(HttpHeader.HOST), authority, Request.getLocalPort(request));
	}

	/** @param authority the request target's own authority (absolute form), or null */
	static void checkHost(List<String> hostHeaders, String authority, int port) throws Refused {
		if (hostHeaders.isEmpty()) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request has no Host header.");
		}
		if (hostHeaders.size() > 1) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request has more than one Host header.");
		}
		if (!HostCheck.allows(hostHeaders.getFirst(), port) || (authority != null && !HostCheck.allows(authority, port))) {
			throw Refused.of(ErrorType.BAD_HOST, "This broker answers only to 127.0.0.1, localhost or [::1] with its port."
					+ " Point your agent at http://127.0.0.1:PORT/CONNECTION/…");
		}
	}

	private static String hostPort(String host, int port) {
		String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
		return h + ":" + port;
	}
}
