package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.audit.AuditDraft;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.providers.Injection;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;
import okhttp3.internal.http.HttpMethod;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;
import java.util.List;

/**
 * The request as it goes upstream: the agent's method, path, query, headers and body, rebuilt on the
 * connection's base URL, with every credential the agent sent and every hop-by-hop header removed and the
 * connection's real credential put in. The one place where the real credential enters a request; built
 * again with another credential for the OAuth retry.
 *
 * @param rawSegments the path segments below the connection's base URL, in their original encoding
 * @param agentKey    the key the agent presented, or null: it never goes upstream, wherever it was put
 * @param replayable  whether the body can be sent a second time (an OAuth retry after a 401)
 */
record UpstreamRequest(HttpFields agentHeaders, Connection connection, List<String> rawSegments, List<QueryParameter> query,
		String agentKey, String method, RequestBody body, boolean replayable) {
	/**
	 * An OAuth request body up to this size is read before forwarding, so that the request can be sent again
	 * once, with a refreshed token, if the upstream rejects the first one. Larger or chunked bodies stream.
	 */
	static final int REPLAYABLE_BODY_LIMIT = 256 * 1024;

	/**
	 * Prepares the request for {@code connection}; the credential is added by {@link #withCredential}. A body small enough to
	 * replay is read here, while {@code entry} tracks the request: a revocation meanwhile cuts it, and so does an upload slower
	 * than the minimum rate.
	 *
	 * @throws ExchangeBroken when the agent went away while its body was being read
	 */
	static UpstreamRequest prepare(Request agentRequest, List<String> rawSegments, List<QueryParameter> query, String agentKey,
			Connection connection, AuditDraft audit, InFlightRequests.Entry entry) throws Refused, ExchangeBroken {
		return prepare(agentRequest, rawSegments, query, agentKey, connection, audit, entry, null);
	}

	/** As above, with the body searched by the exfiltration tripwire's {@code scan} (null: not searched). */
	static UpstreamRequest prepare(Request agentRequest, List<String> rawSegments, List<QueryParameter> query, String agentKey,
			Connection connection, AuditDraft audit, InFlightRequests.Entry entry, dev.amk.guard.Tripwire.BodyScan scan) throws Refused,
			ExchangeBroken {
		String method = agentRequest.getMethod();
		long contentLength = agentRequest.getLength();
		boolean hasBody = contentLength > 0 || (contentLength < 0 && agentRequest.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
		if (hasBody && !HttpMethod.permitsRequestBody(method)) {
			throw Refused.of(ErrorType.BAD_REQUEST, method + " requests cannot carry a body through the broker.");
		}
		// An OAuth token can be refused before its time (revoked, rotated elsewhere): such a request is worth one retry
		// after a refresh, which needs its body again. API keys are not retried: a new key only comes from the person.
		boolean replayable = connection.isOAuth() && (!hasBody || (contentLength > 0 && contentLength <= REPLAYABLE_BODY_LIMIT));
		RequestBody body;
		if (hasBody && replayable) {
			byte[] whole = readWhole(agentRequest, (int) contentLength, audit, entry);
			scanWhole(scan, whole);
			body = RequestBody.create(whole);
		} else if (hasBody) {
			body = new StreamingBody(Request.asInputStream(agentRequest), contentLength, audit, abortUpload(agentRequest), scan);
		} else {
			body = HttpMethod.requiresRequestBody(method) ? RequestBody.EMPTY : null;
		}
		return new UpstreamRequest(agentRequest.getHeaders(), connection, rawSegments, query, agentKey, method, body, replayable);
	}

	/** The request with a body already read (and searched) while it waited for approval. */
	static UpstreamRequest prepareHeld(Request agentRequest, List<String> rawSegments, List<QueryParameter> query, String agentKey,
			Connection connection, byte[] body) throws Refused {
		String method = agentRequest.getMethod();
		if (body.length > 0 && !HttpMethod.permitsRequestBody(method)) {
			throw Refused.of(ErrorType.BAD_REQUEST, method + " requests cannot carry a body through the broker.");
		}
		RequestBody requestBody = body.length > 0 || HttpMethod.requiresRequestBody(method) ? RequestBody.create(body) : null;
		return new UpstreamRequest(agentRequest.getHeaders(), connection, rawSegments, query, agentKey, method, requestBody, true);
	}

	/** A body read whole (to be replayable) is searched whole, before anything is sent. */
	static void scanWhole(dev.amk.guard.Tripwire.BodyScan scan, byte[] whole) throws Refused {
		if (scan == null) {
			return;
		}
		dev.amk.guard.Tripwire.Hit hit;
		try {
			hit = scan.feed(whole, 0, whole.length);
		} catch (dev.amk.guard.Tripwire.UnreadableBody e) {
			throw new Refused(ExfiltrationCheck.unreadableBody(e.why()));
		}
		if (hit != null) {
			throw new Refused(ExfiltrationCheck.refusal(hit, "body"));
		}
	}

	private static byte[] readWhole(Request agentRequest, int length, AuditDraft audit, InFlightRequests.Entry entry) throws Refused,
			ExchangeBroken {
		byte[] bytes = new byte[length];
		InputStream in = Request.asInputStream(agentRequest);
		entry.uploadStarted(abortUpload(agentRequest));
		try {
			int read = 0;
			while (read < length) {
				int n = in.read(bytes, read, Math.min(StreamingBody.CHUNK, length - read));
				if (n == -1) {
					throw ExchangeBroken.clientClosed(new EOFException("the agent's body ended early"));
				}
				read += n;
				entry.uploaded(n);
			}
		} catch (IOException | RuntimeException e) {
			throw agentBodyFailure(entry, e);
		} finally {
			entry.uploadEnded();
		}
		audit.addBytesIn(length);
		return bytes;
	}

	private static Runnable abortUpload(Request agentRequest) {
		return () -> agentRequest.fail(new TimeoutException("upload below the minimum rate"));
	}

	/** The refusal for a failed read of the agent's body: its own fault (bad framing, too slow), never the upstream's. */
	static Refused agentBodyFailure(InFlightRequests.Entry entry, Exception failure) {
		if (entry.cut == InFlightRequests.Cut.UPLOAD_TOO_SLOW) {
			return uploadTooSlow();
		}
		if (entry.cut == InFlightRequests.Cut.ACCESS_ENDED) {
			return new Refused(entry.refusal);
		}
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof HttpException) {
				return Refused.closingConnection(ErrorType.BAD_REQUEST, "The request body is malformed (its chunked framing or length is"
						+ " broken). Use a standard HTTP client.");
			}
		}
		return Refused.closingConnection(ErrorType.CLIENT_CLOSED, "The agent stopped sending its request body.");
	}

	static Refused uploadTooSlow() {
		return Refused.closingConnection(ErrorType.REQUEST_TIMEOUT, "The request body arrived too slowly; the broker stops uploads below"
				+ " its minimum rate. Send the body at once, or check the network.");
	}

	/** The request with {@code credential} in it, as the connection defines. */
	okhttp3.Request withCredential(String credential) throws Refused {
		HttpUrl url = url(credential);
		if (!SecretInjection.staysOn(url, connection.baseUrl())) {
			// Unreachable by construction (segments are appended to a fixed base); kept as the last line of defence.
			throw Refused.of(ErrorType.BAD_REQUEST, "The request would leave the connection's host.");
		}
		okhttp3.Request.Builder upstream = new okhttp3.Request.Builder().url(url);
		List<String> connectionListed;
		try {
			connectionListed = agentHeaders.getCSV(HttpHeader.CONNECTION, false);
		} catch (RuntimeException unparsable) {
			// Jetty's CSV parser refuses a quote inside a token or space around '=' (an HttpException.RuntimeException or an
			// IllegalArgumentException, depending on the flaw): the agent's mistake, not the broker's. Found by
			// UpstreamRequestFuzzTest; it was a 500.
			throw Refused.of(ErrorType.BAD_REQUEST, "The Connection header is not a comma-separated list of header names.");
		}
		try {
			copyHeaders(upstream, connectionListed);
		} catch (IllegalArgumentException nonAscii) {
			// OkHttp's message quotes the value; the refusal names only what the agent must fix.
			throw Refused.of(ErrorType.BAD_REQUEST, "A request header has a non-ASCII value, which HTTP does not allow. Encode it"
					+ " (percent-encoding or RFC 8187) or leave it out.");
		}
		if (connection.provider() == null || !connection.provider().signsRequests()) { // signed afterwards instead (Forwarder): the secret is never sent
			SecretInjection.intoHeaders(upstream, connection.injection(), credential);
		}
		return upstream.method(method, body).build();
	}

	private HttpUrl url(String credential) {
		HttpUrl.Builder url = connection.baseUrl().newBuilder();
		for (String segment : rawSegments) {
			url.addEncodedPathSegment(segment);
		}
		String injectedParameter = connection.injection() instanceof Injection.Query q ? q.parameter() : null;
		url.encodedQuery(QueryParameter.join(query.stream()
				.filter(p -> !(p.decodedName().equals(AgentKeyLocator.QUERY_PARAMETER) || p.decodedValue().equals(agentKey)))
				.filter(p -> !p.decodedName().equals(injectedParameter))
				.toList()));
		SecretInjection.intoUrl(url, connection.injection(), credential);
		return url.build();
	}

	private void copyHeaders(okhttp3.Request.Builder to, List<String> connectionListed) {
		String injectedHeader = connection.injection() instanceof Injection.Header h ? h.name() : null;
		for (HttpField field : agentHeaders) {
			String name = field.getLowerCaseName();
			String value = field.getValue();
			if (name.equals(AgentKeyLocator.SUBPROTOCOL_HEADER) && value != null) {
				value = withoutKeySubprotocols(value);
			}
			if (!HopByHop.keptUpstream(name, connectionListed) || name.equalsIgnoreCase(injectedHeader) || value == null
					|| name.equals("accept-encoding")
					|| (agentKey != null && value.contains(agentKey))
					|| value.contains(AgentKey.PREFIX) && looksLikeKeyInside(value)) {
				continue;
			}
			to.addHeader(field.getName(), value);
		}
		// Whatever the agent accepts: an answer compressed upstream would hide an echoed secret from the mask (Relay).
		// Without this header OkHttp would ask for gzip itself and unzip transparently.
		to.header("Accept-Encoding", "identity");
	}

	/**
	 * The offered subprotocols without those that carry a key ({@code openai-insecure-api-key.…}), or null when none is left.
	 * The key subprotocol is dropped rather than rewritten with the real key: the real credential goes in the connection's
	 * own form (for OpenAI {@code Authorization: Bearer}, which its Realtime API takes on a WebSocket handshake as on any
	 * request), never in a header whose value a server echoes back by design.
	 */
	static String withoutKeySubprotocols(String value) {
		List<String> kept = new java.util.ArrayList<>();
		for (String token : value.split(",")) {
			if (!token.isBlank() && AgentKeyLocator.subprotocolKey(token) == null) {
				kept.add(token.strip());
			}
		}
		return kept.isEmpty() ? null : String.join(", ", kept);
	}

	/** Any agent-key-shaped token, even one that is not this request's key, never goes upstream. */
	static boolean looksLikeKeyInside(String value) {
		int i = value.indexOf(AgentKey.PREFIX);
		while (i >= 0) {
			int end = i + AgentKey.LENGTH;
			if (end <= value.length() && AgentKey.shape(value.substring(i, end)) != AgentKey.Shape.MALFORMED) {
				return true;
			}
			i = value.indexOf(AgentKey.PREFIX, i + 1);
		}
		return false;
	}
}
