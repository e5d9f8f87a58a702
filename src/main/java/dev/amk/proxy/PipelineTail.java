package dev.amk.proxy;

import dev.amk.access.AccessRegistry;
import dev.amk.access.AccessSnapshot;
import dev.amk.access.Authorisation;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.access.Target;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;
import dev.amk.connections.Connection;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The pipeline from authorisation to the recorded answer, the same for every door: the base-URL routes
 * ({@link ProxyHandler}) and the forward proxy ({@link ForwardProxy}) differ only in how they find the caller and the
 * {@link Target}. Kept in one place because the order is the security: a narrow grant is checked before any work,
 * the request is tracked before its body is read or a token refreshed (so that a revocation cuts that work too), it
 * is authorised again if access changed meanwhile, and the audit row is durable before the last byte of the answer.
 * Also the one way every door answers a refusal, a broken exchange or a bug.
 */
final class PipelineTail {
	/** A slot usually frees within a second: requests through the broker are short, or streams the agent itself started. */
	private static final String RETRY_AFTER_SECONDS = "1";

	private final AccessRegistry registry;
	private final Clock clock;
	private final CredentialLookup credentials;
	private final Forwarder forwarder;

	PipelineTail(AccessRegistry registry, Clock clock, CredentialLookup credentials, Forwarder forwarder) {
		this.registry = registry;
		this.clock = clock;
		this.credentials = credentials;
		this.forwarder = forwarder;
	}

	/**
	 * What a door has worked out by the time a request is to be authorised.
	 *
	 * @param decidedOn   the snapshot the caller was identified in; the request is authorised in it
	 * @param rawSegments the path below the connection's base URL as the agent sent it, for the upstream request
	 * @param agentKey    the key the agent showed, removed from what goes upstream
	 * @param upstream    the connection as the upstream request needs it (the forward proxy's host may change its base URL);
	 *                    null: the allowed connection as stored
	 */
	record Routed(AccessSnapshot decidedOn, Caller caller, Target target, List<String> rawSegments, List<QueryParameter> query,
			String agentKey, Connection upstream) {
	}

	/** Authorises, forwards and relays one request; the audit row is finished and recorded unless this throws. */
	void complete(Request request, Response response, Callback callback, AuditDraft audit, Routed routed) throws Refused, ExchangeBroken {
		Authorisation.Allowed allowed = Refused.unlessAllowed(Authorisation.authorise(routed.decidedOn(), routed.caller(), routed.target(),
				clock.instant()));
		NarrowGrant.check(allowed.rule(), request.getHeaders(), routed.query(), routed.target().segments());
		// Tracked before the body is read or a token refreshed: a revocation meanwhile must cut this work too.
		InFlightRequests.Entry entry = forwarder.track(routed.caller(), routed.target());
		try {
			// An MCP server's JSON-RPC is checked against the tool grant before any credential is fetched (McpExchange).
			McpExchange mcp = allowed.connection().provider().speaksMcp() ? McpExchange.inspect(request, allowed.rule(), audit, entry) : null;
			if (mcp != null && mcp.answeredByBroker()) {
				mcp.answer(response, callback, audit);
				return;
			}
			String credential = credentials.obtain(allowed.connection());
			Connection upstreamConnection = routed.upstream() == null ? allowed.connection() : routed.upstream();
			UpstreamRequest upstream = mcp != null ? mcp.upstream(request, routed.rawSegments(), routed.query(), routed.agentKey(), upstreamConnection)
					: UpstreamRequest.prepare(request, routed.rawSegments(), routed.query(), routed.agentKey(), upstreamConnection, audit, entry);
			stillAllowed(entry, routed);
			// Long silences are ours to police (InFlightRequests); Jetty's connection idle timeout must not cut a stream.
			request.addIdleTimeoutListener(t -> false);
			try (Forwarder.Forwarded forwarded = forwarder.forward(entry, upstream, credential)) {
				Forwarder.Forwarded answer = mcp == null ? forwarded : mcp.answerFrom(forwarded, upstreamConnection);
				ByteBuffer last = Relay.relay(answer, response, audit);
				audit.finish(mcp == null ? Decision.ALLOWED : mcp.decision(), mcp == null ? null : mcp.reason());
				audit.awaitRecorded();
				response.write(true, last, callback);
			}
		} finally {
			forwarder.untrack(entry);
		}
	}

	/**
	 * Whether the request may still go on after the work done since it was allowed (reading its body, fetching the
	 * credential). A change announced while it was tracked has cut it already; one that came between the decision and
	 * the tracking shows as a newer snapshot, and only then is the request authorised again.
	 */
	private void stillAllowed(InFlightRequests.Entry entry, Routed routed) throws Refused {
		if (entry.cut == InFlightRequests.Cut.ACCESS_ENDED) {
			throw new Refused(entry.refusal);
		}
		AccessSnapshot now = registry.current();
		if (now != routed.decidedOn()) {
			Refused.unlessAllowed(Authorisation.authorise(now, routed.caller(), routed.target(), clock.instant()));
		}
	}

	/** Records and answers a refusal; once the answer has begun, the connection is cut instead. */
	static void refuse(Request request, Response response, Callback callback, AuditDraft audit, Refused refused) {
		Refusal refusal = refused.refusal();
		audit.status(refusal.status());
		audit.finish(Decision.refusing(refusal.type()), refusal.type());
		if (response.isCommitted()) {
			request.setAttribute(JsonErrorHandler.AUDITED, Boolean.TRUE);
			callback.failed(new IOException(refusal.type().type()));
			return;
		}
		audit.awaitRecorded();
		if (refused.closesConnection()) {
			response.getHeaders().put(HttpHeader.CONNECTION, "close");
		}
		if (refusal.type() == ErrorType.RATE_LIMITED) {
			response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
		writeError(response, callback, refusal.status(), refusal);
	}

	/** An exchange that failed after the answer began: recorded, and the connection cut. */
	static void broken(Request request, Callback callback, AuditDraft audit, ExchangeBroken broken) {
		audit.finish(broken.decision(), broken.reason());
		request.setAttribute(JsonErrorHandler.AUDITED, Boolean.TRUE);
		callback.failed(broken.getCause());
	}

	/**
	 * A bug, not a refusal: answer with a generic 500 and keep serving. Logs where it happened, never the exception's
	 * message: library messages can quote header values, and a header may hold the secret.
	 */
	static void failed(Request request, Response response, Callback callback, AuditDraft audit, RuntimeException e) {
		StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
		System.getLogger(PipelineTail.class.getName()).log(System.Logger.Level.ERROR,
				"Proxy failure: " + e.getClass().getName() + " at " + at + " (connection " + audit.connection() + ")");
		refuse(request, response, callback, audit, Refused.of(ErrorType.INTERNAL_ERROR, "The broker failed to handle this request; see its log."));
	}

	/** The JSON error answer, after any headers of its own already put on the response (the forward proxy's challenge). */
	static void writeError(Response response, Callback callback, int status, Refusal refusal) {
		response.setStatus(status);
		HttpFields.Mutable headers = response.getHeaders();
		headers.put(HttpHeader.CONTENT_TYPE, "application/json");
		headers.put(HttpHeader.CACHE_CONTROL, "no-store");
		response.write(true, ByteBuffer.wrap(Json.error(refusal.type().type(), refusal.message()).getBytes(StandardCharsets.UTF_8)), callback);
	}
}
