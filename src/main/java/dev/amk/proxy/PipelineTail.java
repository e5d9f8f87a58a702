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
import dev.amk.limits.AgentControls;
import dev.amk.limits.UsageMeter;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
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
	private final ExfiltrationCheck exfiltration;
	private final ApprovalGate approvals;
	private final AgentControls controls;

	PipelineTail(AccessRegistry registry, Clock clock, CredentialLookup credentials, Forwarder forwarder) {
		this(registry, clock, credentials, forwarder, ExfiltrationCheck.OFF, ApprovalGate.OFF, AgentControls.inMemory(clock));
	}

	/** @param controls the agent's rate, concurrency, model and budget controls (issue 15), applied once a request is authorised */
	PipelineTail(AccessRegistry registry, Clock clock, CredentialLookup credentials, Forwarder forwarder, ExfiltrationCheck exfiltration,
			ApprovalGate approvals, AgentControls controls) {
		this.controls = controls;
		this.registry = registry;
		this.clock = clock;
		this.credentials = credentials;
		this.forwarder = forwarder;
		this.exfiltration = exfiltration;
		this.approvals = approvals;
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
		exfiltration.checkHead(request, routed); // before any work, and before anything goes upstream
		try (AgentControls.Admission admission = admit(routed, allowed)) {
			forward(request, response, callback, audit, routed, allowed, admission);
		}
	}

	/** The agent's own controls: rate, concurrent requests, budgets, the model a path names (see {@link AgentControls}). */
	private AgentControls.Admission admit(Routed routed, Authorisation.Allowed allowed) throws Refused {
		try {
			return controls.admit(routed.caller(), routed.decidedOn().limits(routed.caller().agentId()), allowed.connection().provider().id(),
					routed.target());
		} catch (AgentControls.Denied denied) {
			throw Refused.by(denied);
		}
	}

	private void forward(Request request, Response response, Callback callback, AuditDraft audit, Routed routed, Authorisation.Allowed allowed,
			AgentControls.Admission admission) throws Refused, ExchangeBroken {
		boolean webSocket = WebSocketHandshake.isUpgrade(request);
		Target tracked = webSocket ? WebSocketHandshake.check(request, allowed.rule(), routed.target()) : routed.target();
		dev.amk.guard.Tripwire.BodyScan bodyScan = exfiltration.bodyScan(request, routed.agentKey());
		// Tracked before the body is read or a token refreshed: a revocation meanwhile must cut this work too.
		InFlightRequests.Entry entry = forwarder.track(routed.caller(), tracked);
		boolean handedOver = false;
		try {
			ModelGate.Checked checked = ModelGate.check(request, admission);
			// An MCP server's JSON-RPC is checked against the tool grant before any credential is fetched (McpExchange).
			McpExchange mcp = allowed.connection().provider().speaksMcp() ? McpExchange.inspect(checked.request(), allowed.rule(), audit, entry) : null;
			if (mcp != null) {
				mcp.scan(bodyScan);
				if (ApprovalGate.needsApproval(allowed.rule())) {
					throw Refused.of(ErrorType.APPROVAL_DENIED, "Approval rules do not cover MCP servers yet; grant the tools the agent may call"
							+ " with --grant 'CONN:tools=…' instead.");
				}
				if (mcp.answeredByBroker()) {
					mcp.answer(response, callback, audit);
					return;
				}
			}
			// A request under an approval rule waits here, tracked (a revocation cuts it), its body read but nothing sent.
			byte[] approvedBody = ApprovalGate.needsApproval(allowed.rule())
					? approvals.hold(checked.request(), routed, allowed.rule(), entry, bodyScan)
					: null;
			String credential = credentials.obtain(allowed.connection());
			Connection upstreamConnection = routed.upstream() == null ? allowed.connection() : routed.upstream();
			if (!upstreamConnection.hostMaps().isEmpty()) {
				// --host-map: the broker's calls to a mapped host go to its upstream, through either door.
				upstreamConnection = upstreamConnection.withUpstream(upstreamConnection.mapped(upstreamConnection.baseUrl()), upstreamConnection.injection());
			}
			UpstreamRequest upstream = mcp != null ? mcp.upstream(checked.request(), routed.rawSegments(), routed.query(), routed.agentKey(), upstreamConnection)
					: approvedBody != null
					? UpstreamRequest.prepareHeld(checked.request(), routed.rawSegments(), routed.query(), routed.agentKey(), upstreamConnection,
							approvedBody)
					: UpstreamRequest.prepare(checked.request(), routed.rawSegments(), routed.query(), routed.agentKey(), upstreamConnection, audit,
							entry, bodyScan);
			stillAllowed(entry, routed);
			// Long silences are ours to police (InFlightRequests); Jetty's connection idle timeout must not cut a stream.
			request.addIdleTimeoutListener(t -> false);
			if (webSocket) {
				Forwarder.Forwarded answer = forwarder.upgrade(entry, upstream, credential);
				// From a 101 on, the socket owns the entry and the audit row; any other answer is relayed below.
				handedOver = WebSocketRelay.takeOver(request, response, callback, audit, answer);
				if (handedOver) {
					return;
				}
				relay(response, callback, audit, answer, admission, checked.bodyBytes(), null, null);
				return;
			}
			Forwarder.Forwarded forwarded = forwarder.forward(entry, upstream, credential, allowed.rule());
			relay(response, callback, audit, mcp == null ? forwarded : mcp.answerFrom(forwarded, upstreamConnection), admission, checked.bodyBytes(),
					mcp == null ? Decision.ALLOWED : mcp.decision(), mcp == null ? null : mcp.reason());
		} finally {
			if (!handedOver) {
				forwarder.untrack(entry);
			}
		}
	}

	/** @param decision the audit row's decision (null: allowed); an MCP batch with a denied call is recorded as denied */
	private static void relay(Response response, Callback callback, AuditDraft audit, Forwarder.Forwarded forwarded,
			AgentControls.Admission admission, long requestBodyBytes, Decision decision, ErrorType reason) throws ExchangeBroken {
		try (Forwarder.Forwarded answer = forwarded) {
			UsageMeter meter = admission.meter(answer.answer().header("Content-Type"));
			ByteBuffer last;
			try {
				last = Relay.relay(answer, response, audit, meter);
			} finally {
				// What the upstream produced counts, even when the agent left before the end.
				admission.finished(meter, requestBodyBytes);
			}
			audit.finish(decision == null ? Decision.ALLOWED : decision, reason);
			audit.awaitRecorded();
			response.write(true, last, callback);
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
		ErrorType reason = refused.auditReason(audit);
		audit.finish(Decision.refusing(reason), reason);
		if (response.isCommitted()) {
			request.setAttribute(JsonErrorHandler.AUDITED, Boolean.TRUE);
			callback.failed(new IOException(refusal.type().type()));
			return;
		}
		audit.awaitRecorded();
		if (refused.retryAfterSeconds() > 0) {
			response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
		} else if (refusal.type() == ErrorType.RATE_LIMITED) {
			response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
		writeError(response, refusalDone(request, response, callback, refused.closesConnection()), refusal.status(), refusal);
	}

	/**
	 * The callback that ends a refusal's answer, and whether the connection stays open. A refusal is often made before the
	 * request's body has been read (a key in a header, a denied path); what has arrived is read away now, and if the
	 * body is still coming the connection cannot be kept: Jetty would close it after the answer without saying so, and a
	 * client that reused it would meet a dropped connection on its next request (seen in one run: a POST refused for a
	 * header, its two-byte body arriving just after the answer). So the answer says {@code Connection: close}, and the
	 * rest of the body is drained before the close ({@link LingeringClose}).
	 */
	static Callback refusalDone(Request request, Response response, Callback callback, boolean closes) {
		if (closes || !readAwayArrivedBody(request)) {
			response.getHeaders().put(HttpHeader.CONNECTION, "close");
			return LingeringClose.after(request, callback);
		}
		return callback;
	}

	/** Reads and drops what the request body has delivered so far; true when that was all of it (or there was none). */
	private static boolean readAwayArrivedBody(Request request) {
		while (true) {
			Content.Chunk chunk = request.read();
			if (chunk == null) {
				return false;
			}
			chunk.release();
			if (Content.Chunk.isFailure(chunk)) {
				return false;
			}
			if (chunk.isLast()) {
				return true;
			}
		}
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
