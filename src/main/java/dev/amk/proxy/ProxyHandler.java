package dev.amk.proxy;

import dev.amk.access.AccessPolicy;
import dev.amk.agents.AgentKey;
import dev.amk.audit.AuditEvent;
import dev.amk.audit.AuditLog;
import dev.amk.common.AmkException;
import dev.amk.common.Json;
import dev.amk.common.Names;
import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;
import dev.amk.providers.Injection;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okhttp3.internal.http.HttpMethod;
import okio.BufferedSink;
import okio.BufferedSource;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request pipeline, in a fixed order: check Host, parse the path, find the agent key, decide
 * (deny by default), fetch the secret, rebuild the request for the connection's own host with the real
 * credential, forward, stream the answer back chunk by chunk, audit.
 *
 * <p>Runs on a virtual thread per request, so blocking reads and writes are the simple and cheap choice.
 */
final class ProxyHandler extends Handler.Abstract {
	/** Hop-by-hop headers (RFC 9110 §7.6.1) plus framing and headers that OkHttp or Jetty set themselves. */
	private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
			"proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings");
	private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
			"te", "trailer", "transfer-encoding", "upgrade");
	private static final int CHUNK = 16 * 1024;
	/**
	 * An OAuth request body up to this size is read before forwarding, so that the request can be sent again
	 * once, with a refreshed token, if the upstream rejects the first one. Larger or chunked bodies stream.
	 */
	static final int REPLAYABLE_BODY_LIMIT = 256 * 1024;

	private final AccessPolicy policy;
	private final CredentialSource credentials;
	private final OkHttpClient client;
	private final InFlightRequests inFlight;
	private final AuditLog audit;
	private final Clock clock;

	ProxyHandler(AccessPolicy policy, CredentialSource credentials, OkHttpClient client, InFlightRequests inFlight, AuditLog audit) {
		this.policy = policy;
		this.credentials = credentials;
		this.client = client;
		this.inFlight = inFlight;
		this.audit = audit;
		this.clock = policy.clock();
	}

	/**
	 * What one request did, for its audit row. The row is recorded just before the agent gets the end of
	 * the response (never after), so that a client that has its answer can rely on the row existing.
	 */
	private static final class Exchange {
		final long startNanos = System.nanoTime();
		final AuditLog audit;
		final java.time.Instant time;
		final String method;
		boolean recorded;
		Long agentId;
		String agent;
		String connection;
		String path;
		int status;
		String decision = AuditEvent.ALLOWED;
		String reason;
		long bytesIn;
		long bytesOut;

		Exchange(AuditLog audit, java.time.Instant time, String method) {
			this.audit = audit;
			this.time = time;
			this.method = method;
		}

		void record() {
			if (!recorded) {
				recorded = true;
				long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
				audit.record(new AuditEvent(0, time, agentId, agent, connection, method, path, status, decision, reason, latencyMs, bytesIn, bytesOut));
			}
		}
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) {
		Exchange x = new Exchange(audit, clock.instant(), request.getMethod());
		try {
			handle(request, response, callback, x);
		} catch (RuntimeException e) {
			// A bug, not a refusal: answer with a generic 500 and keep serving. Log where it happened, never the
			// exception's message: library messages can quote header values, and a header may hold the secret.
			StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
			System.getLogger(ProxyHandler.class.getName()).log(System.Logger.Level.ERROR,
					"Proxy failure: " + e.getClass().getName() + " at " + at + " (connection " + x.connection + ")");
			refuse(response, callback, x, new ProxyError("internal_error", 500, "The broker failed to handle this request; see its log."),
					AuditEvent.ERROR);
		} finally {
			x.record(); // no-op when the normal path already recorded
		}
		return true;
	}

	private void handle(Request request, Response response, Callback callback, Exchange x) {
		ProxyError framingProblem = checkFraming(request);
		if (framingProblem != null) {
			x.path = request.getHttpURI().getPath();
			// The rest of this connection's bytes cannot be trusted to be framed as the client meant: close it.
			response.getHeaders().put(HttpHeader.CONNECTION, "close");
			refuse(response, callback, x, framingProblem, AuditEvent.DENIED);
			return;
		}
		ProxyError hostProblem = checkHost(request);
		if (hostProblem != null) {
			x.path = request.getHttpURI().getPath();
			refuse(response, callback, x, hostProblem, AuditEvent.DENIED);
			return;
		}
		RequestTarget target;
		try {
			target = RequestTarget.parse(request.getHttpURI().getPath());
		} catch (RequestTarget.Refused e) {
			x.path = request.getHttpURI().getPath();
			refuse(response, callback, x, ProxyError.badRequest(e.getMessage()), AuditEvent.DENIED);
			return;
		}
		x.path = target.rawRestPath();
		x.connection = Names.isValid(target.connection()) ? target.connection() : null; // never log arbitrary text

		List<QueryParameter> query = QueryParameter.parse(request.getHttpURI().getQuery());
		AgentKeyLocator.Result located = AgentKeyLocator.locate(request.getHeaders(), query);
		if (located instanceof AgentKeyLocator.Conflicting) {
			refuse(response, callback, x, ProxyError.badRequest("The request carries two different agent keys; send exactly one."),
					AuditEvent.DENIED);
			return;
		}
		String key = located instanceof AgentKeyLocator.Found found ? found.key() : null;
		AccessPolicy.Verdict verdict = policy.check(key, target.connection(), request.getMethod(), target.segments());
		if (verdict instanceof AccessPolicy.Denied denied) {
			if (denied.agent() != null) {
				x.agentId = denied.agent().agent().id();
				x.agent = denied.agent().agent().name();
			}
			refuse(response, callback, x, ProxyError.of(denied.denial(), denied.message()), AuditEvent.DENIED);
			return;
		}
		AccessPolicy.Allowed allowed = (AccessPolicy.Allowed) verdict;
		x.agentId = allowed.agent().agent().id();
		x.agent = allowed.agent().agent().name();
		forward(request, response, callback, x, allowed, target, query, key);
	}

	/**
	 * Jetty's parser already refuses Transfer-Encoding with Content-Length and duplicate lengths. A transfer
	 * coding other than plain {@code chunked} is legal HTTP but no API client sends one, and peers disagree
	 * on how to frame it: refuse it rather than guess (RFC 9112 §6.1).
	 */
	private static ProxyError checkFraming(Request request) {
		List<String> codings = request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING);
		if (!codings.isEmpty() && !(codings.size() == 1 && codings.getFirst().strip().equalsIgnoreCase("chunked"))) {
			return ProxyError.badRequest("Only 'Transfer-Encoding: chunked' is accepted; send the body plainly or with Content-Length.");
		}
		return null;
	}

	private ProxyError checkHost(Request request) {
		List<String> hosts = request.getHeaders().getValuesList(HttpHeader.HOST);
		if (hosts.isEmpty()) {
			return ProxyError.badRequest("The request has no Host header.");
		}
		if (hosts.size() > 1) {
			return ProxyError.badRequest("The request has more than one Host header.");
		}
		HttpURI uri = request.getHttpURI();
		String authority = uri.getHost() == null ? null : (uri.getPort() > 0 ? hostPort(uri.getHost(), uri.getPort()) : uri.getHost());
		int port = Request.getLocalPort(request);
		if (!HostCheck.allows(hosts.getFirst(), port) || (authority != null && !HostCheck.allows(authority, port))) {
			return ProxyError.badHost("This broker answers only to 127.0.0.1, localhost or [::1] with its port."
					+ " Point your agent at http://127.0.0.1:PORT/CONNECTION/…");
		}
		return null;
	}

	private static String hostPort(String host, int port) {
		String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
		return h + ":" + port;
	}

	private void forward(Request request, Response response, Callback callback, Exchange x, AccessPolicy.Allowed allowed,
			RequestTarget target, List<QueryParameter> query, String agentKey) {
		Connection connection = allowed.connection();
		String secret;
		try {
			secret = credentials.credentialFor(connection);
		} catch (AmkException e) {
			refuse(response, callback, x, credentialProblem(connection, e), AuditEvent.ERROR);
			return;
		}
		long contentLength = request.getLength();
		boolean hasBody = contentLength > 0 || (contentLength < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
		String method = request.getMethod();
		if (hasBody && !HttpMethod.permitsRequestBody(method)) {
			refuse(response, callback, x, ProxyError.badRequest(method + " requests cannot carry a body through the broker."), AuditEvent.DENIED);
			return;
		}
		// An OAuth token can be refused before its time (revoked, rotated elsewhere): such a request is worth one retry
		// after a refresh, which needs its body again. API keys are not retried: a new key only comes from the person.
		boolean replayable = connection.isOAuth() && (!hasBody || (contentLength > 0 && contentLength <= REPLAYABLE_BODY_LIMIT));
		StreamingBody streamingBody = null;
		RequestBody body;
		if (hasBody && replayable) {
			byte[] bytes;
			try {
				bytes = Request.asInputStream(request).readNBytes((int) contentLength);
			} catch (IOException e) {
				x.reason = "client_closed";
				callback.failed(e);
				return;
			}
			x.bytesIn = bytes.length;
			body = RequestBody.create(bytes);
		} else if (hasBody) {
			streamingBody = new StreamingBody(Request.asInputStream(request), contentLength, x);
			body = streamingBody;
		} else {
			body = HttpMethod.requiresRequestBody(method) ? RequestBody.EMPTY : null;
		}
		UpstreamRequest upstream = new UpstreamRequest(request.getHeaders(), connection, target, query, agentKey, method, body);
		okhttp3.Request first = upstream.build(secret);
		if (first == null) {
			// Unreachable by construction (segments are appended to a fixed base); kept as the last line of defence.
			refuse(response, callback, x, ProxyError.badRequest("The request would leave the connection's host."), AuditEvent.DENIED);
			return;
		}
		// Long silences are ours to police (InFlightRequests); Jetty's connection idle timeout must not cut a stream.
		request.addIdleTimeoutListener(t -> false);
		Call call = client.newCall(first);
		InFlightRequests.Entry entry = track(call, allowed, target, method);
		if (streamingBody != null) {
			streamingBody.entry = entry; // an upload in progress is activity, not silence
		}
		try {
			okhttp3.Response answer = execute(call, entry, response, callback, x);
			if (answer == null) {
				return;
			}
			if (answer.code() == 401 && replayable) {
				String better = credentials.afterRejection(connection, secret);
				okhttp3.Request retry = better == null || better.equals(secret) ? null : upstream.build(better);
				if (retry != null) {
					answer.close();
					inFlight.remove(entry);
					secret = better;
					call = client.newCall(retry);
					entry = track(call, allowed, target, method);
					answer = execute(call, entry, response, callback, x);
					if (answer == null) {
						return;
					}
				}
			}
			relay(answer, call, entry, response, callback, x, SecretMask.of(secret));
		} finally {
			inFlight.remove(entry);
		}
	}

	private InFlightRequests.Entry track(Call call, AccessPolicy.Allowed allowed, RequestTarget target, String method) {
		InFlightRequests.Entry entry = new InFlightRequests.Entry(call, allowed.keyHash(), allowed.agent().agent().id(),
				allowed.connection().name(), method, target.segments());
		inFlight.add(entry);
		return entry;
	}

	/** Why there is no credential to send, in the contract's terms. */
	private static ProxyError credentialProblem(Connection connection, AmkException e) {
		return switch (e.type()) {
			case "connection_needs_reauth" -> ProxyError.needsReauth(e.getMessage());
			case "token_refresh_failed" -> ProxyError.upstreamUnreachable(e.getMessage());
			default -> ProxyError.connectionUnavailable("The broker cannot read the secret of connection '" + connection.name() + "': "
					+ e.getMessage());
		};
	}

	/** The request as it goes upstream, buildable again with another credential. */
	private record UpstreamRequest(HttpFields agentHeaders, Connection connection, RequestTarget target, List<QueryParameter> query,
			String agentKey, String method, RequestBody body) {

		/** Null if the URL would leave the connection's host. */
		okhttp3.Request build(String secret) {
			HttpUrl url = upstreamUrl(connection, target, query, agentKey, secret);
			if (!SecretInjection.staysOn(url, connection.baseUrl())) {
				return null;
			}
			okhttp3.Request.Builder upstream = new okhttp3.Request.Builder().url(url);
			copyRequestHeaders(agentHeaders, upstream, connection.injection(), agentKey);
			SecretInjection.intoHeaders(upstream, connection.injection(), secret);
			return upstream.method(method, body).build();
		}
	}

	/** Sends the request; null when it failed before any answer (the refusal is already written). */
	private static okhttp3.Response execute(Call call, InFlightRequests.Entry entry, Response response, Callback callback, Exchange x) {
		try {
			return call.execute();
		} catch (IOException e) {
			refuse(response, callback, x, failureBeforeHeaders(entry, e), entry.cut == InFlightRequests.Cut.ACCESS_ENDED ? AuditEvent.DENIED
					: AuditEvent.ERROR);
			return null;
		}
	}

	private void relay(okhttp3.Response answer, Call call, InFlightRequests.Entry entry, Response response, Callback callback, Exchange x,
			SecretMask mask) {
		try (okhttp3.Response upstream = answer) {
			entry.streaming = true;
			entry.touch();
			x.status = upstream.code();
			response.setStatus(upstream.code());
			copyResponseHeaders(upstream, response.getHeaders(), mask);
			String encoding = upstream.header("Content-Encoding");
			SecretMask bodyMask = encoding == null || encoding.equalsIgnoreCase("identity") ? mask : null;
			ResponseBody body = upstream.body();
			BufferedSource source = body.source();
			okio.Buffer buffer = new okio.Buffer();
			while (true) {
				long n;
				try {
					n = source.read(buffer, CHUNK);
				} catch (IOException e) {
					abort(callback, x, entry, e);
					return;
				}
				if (n == -1) {
					break;
				}
				entry.touch();
				x.bytesOut += n;
				byte[] chunk = buffer.readByteArray();
				if (bodyMask != null) {
					bodyMask.maskInPlace(chunk);
				}
				try {
					writeAndFlush(response, ByteBuffer.wrap(chunk));
				} catch (IOException e) {
					// The agent went away: stop the upstream work it no longer wants.
					call.cancel();
					x.reason = "client_closed";
					x.record();
					callback.failed(e);
					return;
				}
			}
			x.record();
			response.write(true, BufferUtil.EMPTY_BUFFER, callback);
		}
	}

	private static ProxyError failureBeforeHeaders(InFlightRequests.Entry entry, IOException e) {
		if (entry.cut != null) {
			return switch (entry.cut) {
				case ACCESS_ENDED -> ProxyError.of(entry.denial, entry.denialMessage);
				case FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT -> ProxyError.upstreamTimeout("The upstream sent no response in time. Try again later,"
						+ " or check the provider's status.");
				case SHUTDOWN -> ProxyError.upstreamUnreachable("The broker is shutting down.");
			};
		}
		if (e instanceof SocketTimeoutException) {
			return ProxyError.upstreamTimeout("Connecting to the upstream timed out. Check the network and the connection's base URL.");
		}
		if (e instanceof UnknownHostException) {
			return ProxyError.upstreamUnreachable("The upstream host could not be resolved. Check the network and the connection's base URL.");
		}
		if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
			return ProxyError.upstreamUnreachable("The upstream refused the connection or could not be reached. Check that the service is up.");
		}
		if (e instanceof SSLException) {
			return ProxyError.upstreamUnreachable("The TLS handshake with the upstream failed.");
		}
		if (e instanceof InterruptedIOException) {
			return ProxyError.upstreamTimeout("The upstream did not answer in time.");
		}
		return ProxyError.upstreamUnreachable("The connection to the upstream failed before it answered.");
	}

	/** Mid-stream failure: the status line is already out, so the only honest signal left is a broken stream. */
	private static void abort(Callback callback, Exchange x, InFlightRequests.Entry entry, IOException e) {
		if (entry.cut == InFlightRequests.Cut.ACCESS_ENDED) {
			x.decision = AuditEvent.DENIED;
			x.reason = entry.denial.type();
		} else if (entry.cut == InFlightRequests.Cut.IDLE_TIMEOUT) {
			x.decision = AuditEvent.ERROR;
			x.reason = "upstream_timeout";
		} else {
			x.decision = AuditEvent.ERROR;
			x.reason = "upstream_unreachable";
		}
		x.record();
		callback.failed(e);
	}

	private static void writeAndFlush(Response response, ByteBuffer chunk) throws IOException {
		try (Blocker.Callback blocker = Blocker.callback()) {
			response.write(false, chunk, blocker);
			blocker.block();
		}
	}

	private static HttpUrl upstreamUrl(Connection connection, RequestTarget target, List<QueryParameter> query, String agentKey, String secret) {
		HttpUrl.Builder url = connection.baseUrl().newBuilder();
		for (String segment : target.rawSegments()) {
			url.addEncodedPathSegment(segment);
		}
		List<QueryParameter> kept = query.stream()
				.filter(p -> !(p.decodedName().equals(AgentKeyLocator.QUERY_PARAMETER) || p.decodedValue().equals(agentKey)))
				.filter(p -> !(connection.injection() instanceof Injection.Query q && p.decodedName().equals(q.parameter())))
				.toList();
		url.encodedQuery(QueryParameter.join(kept));
		SecretInjection.intoUrl(url, connection.injection(), secret);
		return url.build();
	}

	private static void copyRequestHeaders(HttpFields from, okhttp3.Request.Builder to, Injection injection, String agentKey) {
		Set<String> skip = new HashSet<>(NOT_FORWARDED);
		skip.addAll(AgentKeyLocator.CREDENTIAL_HEADERS);
		if (injection instanceof Injection.Header h) {
			skip.add(h.name().toLowerCase(Locale.ROOT));
		}
		for (String listed : from.getCSV(HttpHeader.CONNECTION, false)) {
			skip.add(listed.toLowerCase(Locale.ROOT));
		}
		boolean acceptEncoding = false;
		for (HttpField field : from) {
			String name = field.getLowerCaseName();
			String value = field.getValue();
			if (skip.contains(name) || name.startsWith("proxy-") || value == null
					|| (agentKey != null && value.contains(agentKey)) || value.contains(AgentKey.PREFIX) && looksLikeKeyInside(value)) {
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

	private static void copyResponseHeaders(okhttp3.Response from, HttpFields.Mutable to, SecretMask mask) {
		Set<String> skip = new HashSet<>(NOT_RETURNED);
		for (String c : from.headers("Connection")) {
			for (String token : c.split(",")) {
				skip.add(token.strip().toLowerCase(Locale.ROOT));
			}
		}
		for (var pair : from.headers()) {
			if (!skip.contains(pair.getFirst().toLowerCase(Locale.ROOT))) {
				to.add(pair.getFirst(), mask == null ? pair.getSecond() : mask.mask(pair.getSecond()));
			}
		}
	}

	private static void refuse(Response response, Callback callback, Exchange x, ProxyError error, String decision) {
		x.status = error.status();
		x.decision = decision;
		x.reason = error.type();
		x.record();
		if (response.isCommitted()) {
			callback.failed(new IOException(error.type()));
			return;
		}
		writeError(response, callback, error);
	}

	static void writeError(Response response, Callback callback, ProxyError error) {
		response.setStatus(error.status());
		HttpFields.Mutable headers = response.getHeaders();
		headers.put(HttpHeader.CONTENT_TYPE, "application/json");
		headers.put(HttpHeader.CACHE_CONTROL, "no-store");
		response.write(true, ByteBuffer.wrap(Json.error(error.type(), error.message()).getBytes(StandardCharsets.UTF_8)), callback);
	}

	/** The agent's request body, streamed upstream as it arrives rather than buffered. */
	private static final class StreamingBody extends RequestBody {
		private final InputStream in;
		private final long length;
		private final Exchange x;
		volatile InFlightRequests.Entry entry;

		StreamingBody(InputStream in, long length, Exchange x) {
			this.in = in;
			this.length = length;
			this.x = x;
		}

		@Override
		public MediaType contentType() {
			return null; // the agent's own Content-Type header is forwarded verbatim
		}

		@Override
		public long contentLength() {
			return length;
		}

		@Override
		public boolean isOneShot() {
			return true;
		}

		@Override
		public void writeTo(BufferedSink sink) throws IOException {
			byte[] buffer = new byte[CHUNK];
			int n;
			while ((n = in.read(buffer)) != -1) {
				sink.write(buffer, 0, n);
				sink.flush();
				x.bytesIn += n;
				InFlightRequests.Entry e = entry;
				if (e != null) {
					e.touch();
				}
			}
		}
	}
}
