package dev.amk.proxy;

import dev.amk.access.AccessRegistry;
import dev.amk.access.AccessSnapshot;
import dev.amk.access.Caller;
import dev.amk.access.Target;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.AuditLog;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.time.Clock;
import java.util.List;

/**
 * The front door for base-URL routes ({@code /CONN/rest/of/path}): a thin Jetty adapter over the pipeline's
 * stages, in their fixed order. Each stage returns its result or throws its {@link Refused} (before the answer
 * began) or {@link ExchangeBroken} (after); the audit row is finished once, in the one place each outcome ends
 * ({@link PipelineTail}).
 *
 * <p>Only validation and routing belong to this door. Another door (an intercepted {@code CONNECT} tunnel, whose
 * inner requests name a host and whose agent shows its key in {@code Proxy-Authorization}; MCP) routes its own
 * way to a {@link Target} and raw path segments, then reuses the rest unchanged: {@link CallerIdentification},
 * and {@link PipelineTail}, which authorises, forwards and relays for every door.
 *
 * <p>Runs on a virtual thread per request, so blocking reads and writes are the simple and cheap choice.
 */
final class ProxyHandler extends Handler.Abstract {
	private final AccessRegistry registry;
	private final Clock clock;
	private final PipelineTail tail;
	private final AuditLog auditLog;

	ProxyHandler(AccessRegistry registry, Clock clock, PipelineTail tail, AuditLog auditLog) {
		this.registry = registry;
		this.clock = clock;
		this.tail = tail;
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
			tail.complete(request, response, callback, audit, new PipelineTail.Routed(snapshot, caller, target, route.rawSegments(), query,
					agentKey, null));
		} catch (Refused refused) {
			PipelineTail.refuse(request, response, callback, audit, refused);
		} catch (ExchangeBroken broken) {
			PipelineTail.broken(request, callback, audit, broken);
		} catch (RuntimeException e) {
			PipelineTail.failed(request, response, callback, audit, e);
		}
		return true;
	}
}
