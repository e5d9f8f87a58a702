package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.audit.AuditDraft;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.providers.Injection;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;
import okhttp3.internal.http.HttpMethod;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
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
	 * Prepares the request for {@code connection}; the credential is added by {@link #withCredential}.
	 *
	 * @throws ExchangeBroken when the agent went away while its body was being read
	 */
	static UpstreamRequest prepare(Request agentRequest, List<String> rawSegments, List<QueryParameter> query, String agentKey,
			Connection connection, AuditDraft audit) throws Refused, ExchangeBroken {
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
			byte[] bytes;
			try {
				bytes = Request.asInputStream(agentRequest).readNBytes((int) contentLength);
			} catch (IOException e) {
				throw ExchangeBroken.clientClosed(e);
			}
			audit.addBytesIn(bytes.length);
			body = RequestBody.create(bytes);
		} else if (hasBody) {
			body = new StreamingBody(Request.asInputStream(agentRequest), contentLength, audit);
		} else {
			body = HttpMethod.requiresRequestBody(method) ? RequestBody.EMPTY : null;
		}
		return new UpstreamRequest(agentRequest.getHeaders(), connection, rawSegments, query, agentKey, method, body, replayable);
	}

	/** The request with {@code credential} in it, as the connection defines. */
	okhttp3.Request withCredential(String credential) throws Refused {
		HttpUrl url = url(credential);
		if (!SecretInjection.staysOn(url, connection.baseUrl())) {
			// Unreachable by construction (segments are appended to a fixed base); kept as the last line of defence.
			throw Refused.of(ErrorType.BAD_REQUEST, "The request would leave the connection's host.");
		}
		okhttp3.Request.Builder upstream = new okhttp3.Request.Builder().url(url);
		copyHeaders(upstream);
		SecretInjection.intoHeaders(upstream, connection.injection(), credential);
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

	private void copyHeaders(okhttp3.Request.Builder to) {
		String injectedHeader = connection.injection() instanceof Injection.Header h ? h.name() : null;
		List<String> connectionListed = agentHeaders.getCSV(HttpHeader.CONNECTION, false);
		boolean acceptEncoding = false;
		for (HttpField field : agentHeaders) {
			String name = field.getLowerCaseName();
			String value = field.getValue();
			if (!HopByHop.keptUpstream(name, connectionListed) || name.equalsIgnoreCase(injectedHeader) || value == null
					|| (agentKey != null && value.contains(agentKey))
					|| value.contains(AgentKey.PREFIX) && looksLikeKeyInside(value)) {
				continue;
			}
			acceptEncoding |= name.equals("accept-encoding");
			to.addHeader(field.getName(), value);
		}
		if (!acceptEncoding) {
			// Without this OkHttp would ask for gzip and transparently unzip; the broker passes bytes through as they are.
			to.header("Accept-Encoding", "identity");
		}
	}

	/** Any agent-key-shaped token, even one that is not this request's key, never goes upstream. */
	private static boolean looksLikeKeyInside(String value) {
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
