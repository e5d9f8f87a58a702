package dev.amk.proxy;

import dev.amk.access.Caller;
import dev.amk.access.Target;
import dev.amk.agents.GrantRule;
import dev.amk.approvals.ApprovalService;
import dev.amk.approvals.BodySummary;
import dev.amk.common.ErrorType;
import dev.amk.guard.Tripwire;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The pipeline's side of approval rules: a request allowed under a {@code CONN:ask:…} rule has its body read (up to
 * {@link #MAX_BODY}; the upstream is not contacted), searched by the tripwire, summarised, and held until the person
 * answers in the app. Approved, it goes on with the body as read; otherwise it is refused {@code approval_denied} or
 * {@code approval_timeout}. A revocation while it waits cuts it like any tracked request.
 */
final class ApprovalGate {
	/** A held body is kept in memory to be shown and then sent: bounded, and a larger one is refused rather than streamed unseen. */
	static final int MAX_BODY = 1024 * 1024;

	static final ApprovalGate OFF = new ApprovalGate(null);

	private final ApprovalService approvals;

	ApprovalGate(ApprovalService approvals) {
		this.approvals = approvals;
	}

	static boolean needsApproval(GrantRule rule) {
		return rule.preset() == GrantRule.Preset.ASK;
	}

	/**
	 * Holds the request until it is approved.
	 *
	 * @return the request's body as read (empty when it had none), to be sent upstream once approved
	 */
	byte[] hold(Request request, PipelineTail.Routed routed, GrantRule rule, InFlightRequests.Entry entry, Tripwire.BodyScan scan)
			throws Refused, ExchangeBroken {
		if (approvals == null || !approvals.hasAnswerer()) {
			throw Refused.of(ErrorType.APPROVAL_DENIED, "This request needs a person's approval in the Agent Master Key app, and the app is not"
					+ " running (the broker runs headless, as 'amk serve'). Start the app ('amk app') to approve such requests.");
		}
		byte[] body = readBounded(request, entry);
		if (scan != null) {
			try {
				Tripwire.Hit hit = scan.feed(body, 0, body.length);
				if (hit != null) {
					throw new Refused(ExfiltrationCheck.refusal(hit, "body"));
				}
			} catch (Tripwire.UnreadableBody e) {
				throw new Refused(ExfiltrationCheck.unreadableBody(e.why()));
			}
		}
		Caller caller = routed.caller();
		Target target = routed.target();
		String summary = BodySummary.of(body, request.getHeaders().get(HttpHeader.CONTENT_TYPE));
		// The wait is ours to police (the deadline, and InFlightRequests for revocation): Jetty's 30 s idle timeout must not cut it.
		request.addIdleTimeoutListener(t -> false);
		ApprovalService.Outcome outcome = approvals.await(caller.agentId(), caller.agentName(), target.connection(), target.method(),
				"/" + String.join("/", routed.rawSegments()), rule.toSpec(), summary, () -> entry.cut != null, entry::touch);
		return switch (outcome) {
			case APPROVED -> body;
			case DENIED -> throw Refused.of(ErrorType.APPROVAL_DENIED, "The person running the broker denied this request.");
			case TIMED_OUT -> throw Refused.of(ErrorType.APPROVAL_TIMEOUT, "Nobody approved this request in time. Ask the person running the"
					+ " broker to watch for the approval, then try again.");
			case NO_APP, APP_CLOSED -> throw Refused.of(ErrorType.APPROVAL_DENIED, "The Agent Master Key app closed before this request was"
					+ " approved. Start the app ('amk app') to approve such requests.");
			case ABANDONED -> throw entry.cut == InFlightRequests.Cut.ACCESS_ENDED ? new Refused(entry.refusal)
					: Refused.of(ErrorType.APPROVAL_DENIED, "The request ended before it was approved.");
		};
	}

	private static byte[] readBounded(Request request, InFlightRequests.Entry entry) throws Refused, ExchangeBroken {
		long length = request.getLength();
		if (length > MAX_BODY) {
			throw tooLarge();
		}
		boolean hasBody = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
		if (!hasBody) {
			return new byte[0];
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		InputStream in = Request.asInputStream(request);
		entry.uploadStarted(() -> request.fail(new java.util.concurrent.TimeoutException("upload below the minimum rate")));
		try {
			byte[] buffer = new byte[StreamingBody.CHUNK];
			int n;
			while ((n = in.read(buffer)) != -1) {
				out.write(buffer, 0, n);
				entry.uploaded(n);
				if (out.size() > MAX_BODY) {
					throw tooLarge();
				}
			}
		} catch (IOException | RuntimeException e) {
			throw UpstreamRequest.agentBodyFailure(entry, e);
		} finally {
			entry.uploadEnded();
		}
		return out.toByteArray();
	}

	private static Refused tooLarge() {
		return Refused.closingConnection(ErrorType.APPROVAL_DENIED, "This request needs approval, and its body is larger than the "
				+ MAX_BODY / 1024 + " KiB the broker holds to show it. Send a smaller request, or ask for a grant that does not need approval.");
	}
}
