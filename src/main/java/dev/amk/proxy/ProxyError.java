package dev.amk.proxy;

import dev.amk.access.Denial;

/** Every refusal the proxy can answer with: the contract's error type and HTTP status, plus a message for a person. */
public record ProxyError(String type, int status, String message) {
	public static ProxyError badRequest(String message) {
		return new ProxyError("bad_request", 400, message);
	}

	public static ProxyError badHost(String message) {
		return new ProxyError("bad_host", 421, message);
	}

	public static ProxyError upstreamUnreachable(String message) {
		return new ProxyError("upstream_unreachable", 502, message);
	}

	public static ProxyError upstreamTimeout(String message) {
		return new ProxyError("upstream_timeout", 504, message);
	}

	/** The keychain could not give the connection's secret: the broker's own problem, said plainly. */
	public static ProxyError connectionUnavailable(String message) {
		return new ProxyError("connection_unavailable", 503, message);
	}

	/**
	 * The OAuth grant behind the connection is gone at the provider; only the person can sign in again. 503 rather
	 * than 401: the agent's own key is fine, and SDKs treat 401 as "your API key is wrong".
	 */
	public static ProxyError needsReauth(String message) {
		return new ProxyError("connection_needs_reauth", 503, message);
	}

	public static ProxyError of(Denial denial, String message) {
		return new ProxyError(denial.type(), denial.status(), message);
	}
}
