package dev.amk.proxy;

import dev.amk.access.Caller;
import dev.amk.access.Target;
import dev.amk.common.ErrorType;
import okhttp3.Call;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Sends the prepared request upstream with the real credential and waits for the answer's headers. While it
 * waits and while the answer streams, the request is tracked in {@link InFlightRequests}, so that it is cut
 * the moment its permission ends or its upstream falls silent. An OAuth request the upstream rejects with 401
 * is sent once more, with a refreshed token.
 */
final class Forwarder {
	private final OkHttpClient client;
	private final InFlightRequests inFlight;
	private final CredentialLookup credentials;

	Forwarder(OkHttpClient client, InFlightRequests inFlight, CredentialLookup credentials) {
		this.client = client;
		this.inFlight = inFlight;
		this.credentials = credentials;
	}

	/** The upstream's answer, headers read, body still to stream; close it to stop tracking the request. */
	record Forwarded(okhttp3.Response answer, InFlightRequests.Entry entry, SecretMask mask, InFlightRequests inFlight) implements AutoCloseable {
		@Override
		public void close() {
			answer.close();
			inFlight.remove(entry);
		}
	}

	Forwarded forward(UpstreamRequest upstream, String credential, Caller caller, Target target) throws Refused {
		InFlightRequests.Entry entry = track(upstream.withCredential(credential), caller, target);
		if (upstream.body() instanceof StreamingBody streaming) {
			streaming.entry = entry; // an upload in progress is activity, not silence
		}
		okhttp3.Response answer = execute(entry);
		if (answer.code() == 401 && upstream.replayable()) {
			String better;
			okhttp3.Request retry;
			try {
				better = credentials.afterRejection(upstream.connection(), credential);
				retry = better == null || better.equals(credential) ? null : upstream.withCredential(better);
			} catch (Refused | RuntimeException e) {
				answer.close();
				inFlight.remove(entry);
				throw e;
			}
			if (retry != null) {
				answer.close();
				inFlight.remove(entry);
				credential = better;
				entry = track(retry, caller, target);
				answer = execute(entry);
			}
		}
		return new Forwarded(answer, entry, SecretMask.of(credential), inFlight);
	}

	private InFlightRequests.Entry track(okhttp3.Request request, Caller caller, Target target) {
		InFlightRequests.Entry entry = new InFlightRequests.Entry(client.newCall(request), caller, target);
		inFlight.add(entry);
		return entry;
	}

	/** Sends the request; a failure before any answer stops tracking it and becomes the refusal the agent is sent. */
	private okhttp3.Response execute(InFlightRequests.Entry entry) throws Refused {
		Call call = entry.call;
		try {
			return call.execute();
		} catch (IOException e) {
			inFlight.remove(entry);
			throw failureBeforeHeaders(entry, e);
		}
	}

	private static Refused failureBeforeHeaders(InFlightRequests.Entry entry, IOException e) {
		if (entry.cut != null) {
			return switch (entry.cut) {
				case ACCESS_ENDED -> new Refused(entry.refusal);
				case FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT -> Refused.of(ErrorType.UPSTREAM_TIMEOUT, "The upstream sent no response in time."
						+ " Try again later, or check the provider's status.");
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
