package dev.amk.proxy;

import dev.amk.access.Caller;
import dev.amk.access.Target;
import dev.amk.agents.GrantRule;
import dev.amk.cloud.CloudSigning;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import okhttp3.Call;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the prepared request upstream with the real credential and waits for the answer's headers. While it
 * waits and while the answer streams, the request is tracked in {@link InFlightRequests}, so that it is cut
 * the moment its permission ends or its upstream falls silent. An OAuth request the upstream rejects with 401
 * is sent once more, with a refreshed token.
 */
final class Forwarder {
	private final OkHttpClient client;
	/** The same client offering HTTP/1.1 only: a WebSocket handshake is an HTTP/1.1 upgrade (RFC 6455), never h2. */
	private final OkHttpClient http1;
	private final InFlightRequests inFlight;
	private final CredentialLookup credentials;
	private final Map<String, SecretMask> masks = new ConcurrentHashMap<>();
	/** Signs requests of providers that sign rather than inject (AWS); null where none is wired (then such requests are refused). */
	private final CloudSigning signing;

	Forwarder(OkHttpClient client, InFlightRequests inFlight, CredentialLookup credentials) {
		this(client, inFlight, credentials, null);
	}

	Forwarder(OkHttpClient client, InFlightRequests inFlight, CredentialLookup credentials, CloudSigning signing) {
		this.client = client;
		this.http1 = client.newBuilder().protocols(java.util.List.of(okhttp3.Protocol.HTTP_1_1)).build();
		this.inFlight = inFlight;
		this.credentials = credentials;
		this.signing = signing;
	}

	/** The upstream's answer, headers read, body still to stream; close it to stop tracking the request. */
	record Forwarded(okhttp3.Response answer, InFlightRequests.Entry entry, SecretMask mask, InFlightRequests inFlight) implements AutoCloseable {
		@Override
		public void close() {
			answer.close();
			inFlight.remove(entry);
		}
	}

	/**
	 * Tracks an allowed request from now on, before its body is read or its credential fetched: revocation, the upload
	 * deadline and the caps on concurrent requests apply to that work too. Stop tracking with {@link #untrack}, or by
	 * closing the {@link Forwarded} answer.
	 *
	 * @throws Refused {@code rate_limited} when the agent, or the broker as a whole, already has as many requests running as allowed
	 */
	InFlightRequests.Entry track(Caller caller, Target target) throws Refused {
		InFlightRequests.Entry entry = new InFlightRequests.Entry(caller, target);
		if (!inFlight.tryAdd(entry)) {
			throw Refused.of(ErrorType.RATE_LIMITED, "Too many requests are running at once for this agent or this broker. Wait for some to"
					+ " finish and try again (see Retry-After).");
		}
		return entry;
	}

	void untrack(InFlightRequests.Entry entry) {
		inFlight.remove(entry);
	}

	/** Tracks and forwards in one step: for callers with no work between the two. */
	Forwarded forward(UpstreamRequest upstream, String credential, Caller caller, Target target) throws Refused {
		InFlightRequests.Entry entry = track(caller, target);
		try {
			return forward(entry, upstream, credential);
		} catch (Refused | RuntimeException e) {
			inFlight.remove(entry);
			throw e;
		}
	}

	/** Sends {@code upstream} for the tracked {@code entry}; on a refusal the entry is still tracked, for the caller to untrack. */
	Forwarded forward(InFlightRequests.Entry entry, UpstreamRequest upstream, String credential) throws Refused {
		return forward(entry, upstream, credential, null);
	}

	/** As {@link #forward(InFlightRequests.Entry, UpstreamRequest, String)}, under {@code rule}, which a signing provider's session follows. */
	Forwarded forward(InFlightRequests.Entry entry, UpstreamRequest upstream, String credential, GrantRule rule) throws Refused {
		if (upstream.body() instanceof StreamingBody streaming) {
			streaming.entry = entry; // an upload in progress is activity, not silence
		}
		okhttp3.Request request = upstream.withCredential(credential);
		if (upstream.connection().provider() != null && upstream.connection().provider().signsRequests()) {
			request = signed(request, upstream, entry, credential, rule);
		}
		entry.attach(client.newCall(request));
		okhttp3.Response answer = execute(entry, upstream);
		if (answer.code() == 401 && upstream.replayable()) {
			String better;
			okhttp3.Request retry;
			try {
				better = credentials.afterRejection(upstream.connection(), credential);
				retry = better == null || better.equals(credential) ? null : upstream.withCredential(better);
			} catch (Refused | RuntimeException e) {
				answer.close();
				throw e;
			}
			if (retry != null) {
				answer.close();
				credential = better;
				entry.attach(client.newCall(retry));
				answer = execute(entry, upstream);
			}
		}
		return new Forwarded(answer, entry, mask(upstream.connection(), credential), inFlight);
	}

	/**
	 * Sends a WebSocket handshake ({@link WebSocketHandshake}) for the tracked {@code entry}: the prepared request with the
	 * upgrade's own hop-by-hop headers put back. A {@code 101} answer carries the upgraded socket
	 * ({@link okhttp3.Response#socket()}); any other answer is relayed like a plain response. Not retried after a 401: the
	 * handshake is answered, the agent's client decides.
	 */
	Forwarded upgrade(InFlightRequests.Entry entry, UpstreamRequest upstream, String credential) throws Refused {
		okhttp3.Request handshake = WebSocketHandshake.upstream(upstream.withCredential(credential));
		entry.attach(http1.newCall(handshake));
		return new Forwarded(execute(entry, upstream), entry, mask(upstream.connection(), credential), inFlight);
	}

	/** The request signed for the agent (AWS): the agent's credential headers go, the broker's signature comes. */
	private okhttp3.Request signed(okhttp3.Request request, UpstreamRequest upstream, InFlightRequests.Entry entry, String credential, GrantRule rule)
			throws Refused {
		if (signing == null) {
			throw Refused.of(ErrorType.CONNECTION_UNAVAILABLE, "This broker cannot sign " + upstream.connection().provider().displayName() + " requests.");
		}
		try {
			return signing.sign(request, upstream.agentHeaders()::get, upstream.connection(), entry.caller.agentId(), entry.caller.agentName(),
					rule == null ? GrantRule.FULL : rule, credential);
		} catch (AmkException e) {
			throw Refused.of(e.errorType(), e.getMessage());
		}
	}

	/** The mask for {@code credential}, built once per connection and secret: building one encodes the secret several ways. */
	private SecretMask mask(Connection connection, String credential) {
		SecretMask mask = masks.get(connection.name());
		if (mask == null || !mask.isFor(credential, connection.injection())) {
			mask = SecretMask.of(credential, connection.injection());
			if (mask != null) {
				masks.put(connection.name(), mask);
			}
		}
		return mask;
	}

	/** Sends the request; a failure before any answer becomes the refusal the agent is sent. */
	private okhttp3.Response execute(InFlightRequests.Entry entry, UpstreamRequest upstream) throws Refused {
		Call call = entry.call;
		try {
			return call.execute();
		} catch (IOException e) {
			if (upstream.body() instanceof StreamingBody body && body.stopped() != null) {
				throw new Refused(body.stopped()); // the tripwire cut the upload
			}
			if (upstream.body() instanceof StreamingBody body && body.agentFailure() != null) {
				throw UpstreamRequest.agentBodyFailure(entry, body.agentFailure());
			}
			throw failureBeforeHeaders(entry, e);
		}
	}

	private static Refused failureBeforeHeaders(InFlightRequests.Entry entry, IOException e) {
		if (entry.cut != null) {
			return switch (entry.cut) {
				case ACCESS_ENDED -> new Refused(entry.refusal);
				case FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT -> Refused.of(ErrorType.UPSTREAM_TIMEOUT, "The upstream sent no response in time."
						+ " Try again later, or check the provider's status.");
				case UPLOAD_TOO_SLOW -> UpstreamRequest.uploadTooSlow();
				case SHUTDOWN -> Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The broker is shutting down.");
			};
		}
		if (e instanceof SocketTimeoutException) {
			return Refused.of(ErrorType.UPSTREAM_TIMEOUT, "Connecting to the upstream timed out. Check the network and the connection's base URL.");
		}
		if (e instanceof UnknownHostException) {
			return Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The upstream host could not be resolved. Check the network and the connection's"
					+ " base URL.");
		}
		if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
			return Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The upstream refused the connection or could not be reached. Check that the"
					+ " service is up.");
		}
		if (e instanceof SSLException) {
			return Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The TLS handshake with the upstream failed.");
		}
		if (e instanceof InterruptedIOException) {
			return Refused.of(ErrorType.UPSTREAM_TIMEOUT, "The upstream did not answer in time.");
		}
		return Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The connection to the upstream failed before it answered.");
	}
}
