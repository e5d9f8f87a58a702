package dev.amk.proxy;

import dev.amk.access.AccessRegistry;
import dev.amk.access.AccessSnapshot;
import dev.amk.access.Authorisation;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.access.Target;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.AuditLog;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The front door for base-URL routes ({@code /CONN/rest/of/path}): a thin Jetty adapter over the pipeline's
 * stages, in their fixed order. Each stage returns its result or throws its {@link Refused} (before the answer
 * began) or {@link ExchangeBroken} (after); the audit row is finished once, in the one place each outcome ends.
 *
 * <p>Only validation and routing belong to this door. Another door (an intercepted {@code CONNECT} tunnel, whose
 * inner requests name a host and whose agent shows its key in {@code Proxy-Authorization}; MCP) routes its own
 * way to a {@link Target} and raw path segments, then reuses the rest unchanged: {@link CallerIdentification},
 * {@link dev.amk.access.Authorisation}, {@link CredentialLookup}, {@link UpstreamRequest}, {@link Forwarder},
 * {@link Relay}.
 *
 * <p>Runs on a virtual thread per request, so blocking reads and writes are the simple and cheap choice.
 */
final class ProxyHandler extends Handler.Abstract {
	private final AccessRegistry registry;
	private final Clock clock;
	private final CredentialLookup credentials;
	private final Forwarder forwarder;
	private final AuditLog auditLog;
	/** A slot usually frees within a second: requests through the broker are short, or streams the agent itself started. */
	private static final String RETRY_AFTER_SECONDS = "1";

	ProxyHandler(AccessRegistry registry, Clock clock, CredentialLookup credentials, Forwarder forwarder, AuditLog auditLog) {
		this.registry = registry;
		this.clock = clock;
		this.credentials = credentials;
		this.forwarder = forwarder;
		this.auditLog = auditLog;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) {
		AuditDraft audit = new AuditDraft(auditLog, clock.instant(), request.getMethod());
		audit.target(null, request.getHttpURI().getPath()); // until the route is known
		try {
			RequestTarget route = RequestValidation.validate(request);
			audit.target(route.auditedConnection(), route.rawRestPath());
			List<QueryParameter> query = QueryParameter.parse(request.getHttpURI().getQuery());
			RequestValidation.refuseKeysInTarget(route.segments(), query);
			String agentKey = AgentKeyLocator.presentedKey(request.getHeaders(), query);
			AccessSnapshot snapshot = registry.current();
			Caller caller = CallerIdentification.identify(agentKey, snapshot);
			audit.caller(caller.agentId(), caller.agentName());
			Target target = new Target(route.connection(), request.getMethod(), route.segments());
			Authorisation.Allowed allowed = Refused.unlessAllowed(Authorisation.authorise(snapshot, caller, target, clock.instant()));
			NarrowGrant.check(allowed.rule(), request.getHeaders(), query, route.segments());
			// Tracked before the body is read or a token refreshed: a revocation meanwhile must cut this work too.
			InFlightRequests.Entry entry = forwarder.track(caller, target);
			try {
				String credential = credentials.obtain(allowed.connection());
				UpstreamRequest upstream = UpstreamRequest.prepare(request, route.rawSegments(), query, agentKey, allowed.connection(), audit, entry);
				stillAllowed(entry, snapshot, caller, target);
				// Long silences are ours to police (InFlightRequests); Jetty's connection idle timeout must not cut a stream.
				request.addIdleTimeoutListener(t -> false);
				try (Forwarder.Forwarded answer = forwarder.forward(entry, upstream, credential)) {
					ByteBuffer last = Relay.relay(answer, response, audit);
					audit.finish(Decision.ALLOWED, null);
					audit.awaitRecorded();
					response.write(true, last, callback);
				}
			} finally {
				forwarder.untrack(entry);
			}
		} catch (Refused refused) {
			refuse(request, response, callback, audit, refused);
		} catch (ExchangeBroken broken) {
			audit.finish(broken.decision(), broken.reason());
			request.setAttribute(JsonErrorHandler.AUDITED, Boolean.TRUE);
			callback.failed(broken.getCause());
		} catch (RuntimeException e) {
			// A bug, not a refusal: answer with a generic 500 and keep serving. Log where it happened, never the
			// exception's message: library messages can quote header values, and a header may hold the secret.
			StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
			System.getLogger(ProxyHandler.class.getName()).log(System.Logger.Level.ERROR,
					"Proxy failure: " + e.getClass().getName() + " at " + at + " (connection " + audit.connection() + ")");
			refuse(request, response, callback, audit, Refused.of(ErrorType.INTERNAL_ERROR, "The broker failed to handle this request; see its log."));
		}
		return true;
	}

	/**
	 * Whether the request may still go on after the work done since it was allowed (reading its body, fetching the
	 * credential). A change announced while it was tracked has cut it already; one that came between the decision and
	 * the tracking shows as a newer snapshot, and only then is the request authorised again.
	 */
	private void stillAllowed(InFlightRequests.Entry entry, AccessSnapshot decidedOn, Caller caller, Target target) throws Refused {
		if (entry.cut == InFlightRequests.Cut.ACCESS_ENDED) {
			throw new Refused(entry.refusal);
		}
		AccessSnapshot now = registry.current();
		if (now != decidedOn) {
			Refused.unlessAllowed(Authorisation.authorise(now, caller, target, clock.instant()));
		}
	}

	/** Also the forward proxy's way to answer a refusal that is not about its proxy credentials. */
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
		writeError(response, callback, refusal);
	}

	private static void writeError(Response response, Callback callback, Refusal refusal) {
		response.setStatus(refusal.status());
		HttpFields.Mutable headers = response.getHeaders();
		headers.put(HttpHeader.CONTENT_TYPE, "application/json");
		headers.put(HttpHeader.CACHE_CONTROL, "no-store");
		response.write(true, ByteBuffer.wrap(Json.error(refusal.type().type(), refusal.message()).getBytes(StandardCharsets.UTF_8)), callback);
	}
}
