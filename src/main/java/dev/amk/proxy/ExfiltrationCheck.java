package dev.amk.proxy;

import dev.amk.access.Refusal;
import dev.amk.common.ErrorType;
import dev.amk.guard.Tripwire;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.util.List;

/**
 * The pipeline's side of the exfiltration {@link Tripwire}: the head of a request (its URL, raw and decoded, and every
 * header) is searched before anything goes upstream; its body is searched as it streams ({@link StreamingBody}), and
 * the upload is cut at the first hit. Either way the agent gets {@code 403 secret_in_request} and the refusal is
 * audited like any other, which is what notifies the person (the app's denial notices).
 */
final class ExfiltrationCheck {
	/** No tripwire: for proxies built without controls (unit tests of other stages). */
	static final ExfiltrationCheck OFF = new ExfiltrationCheck(null);

	private final Tripwire tripwire;

	ExfiltrationCheck(Tripwire tripwire) {
		this.tripwire = tripwire;
	}

	/** Refuses a request whose path, query or headers carry a secret or another agent's key. */
	void checkHead(Request request, PipelineTail.Routed routed) throws Refused {
		if (tripwire == null) {
			return;
		}
		String own = routed.agentKey();
		Tripwire.Hit hit = tripwire.scan(request.getHttpURI().getPathQuery(), own);
		if (hit == null) {
			hit = tripwire.scanEach(routed.target().segments(), own);
		}
		if (hit == null) {
			for (QueryParameter p : routed.query()) {
				hit = tripwire.scanEach(List.of(p.decodedName(), p.decodedValue()), own);
				if (hit != null) {
					break;
				}
			}
		}
		if (hit != null) {
			throw new Refused(refusal(hit, "URL"));
		}
		for (HttpField field : request.getHeaders()) {
			hit = tripwire.scan(field.getValue(), own);
			if (hit != null) {
				throw new Refused(refusal(hit, "header " + field.getName()));
			}
		}
	}

	/**
	 * The scan for the request's body, or null when there is no tripwire.
	 *
	 * @throws Refused {@code bad_request} for a body in a coding the tripwire cannot read: it is not let through unchecked
	 */
	Tripwire.BodyScan bodyScan(Request request, String ownKey) throws Refused {
		if (tripwire == null) {
			return null;
		}
		try {
			return tripwire.body(ownKey, request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
		} catch (Tripwire.UnreadableEncoding e) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request body is encoded as '" + e.coding() + "', which the broker cannot read to"
					+ " check it for secrets. Send it uncompressed, or with gzip or deflate.");
		}
	}

	static Refusal refusal(Tripwire.Hit hit, String where) {
		String what = hit == Tripwire.Hit.SECRET ? "a real secret the broker holds" : "another agent's key";
		return new Refusal(ErrorType.SECRET_IN_REQUEST, "The request's " + where + " carries " + what + ", so it was not sent upstream."
				+ " An agent never needs one (the broker adds the credential itself); the person running the broker has been told.");
	}

	static Refusal unreadableBody(String why) {
		return new Refusal(ErrorType.BAD_REQUEST, "The compressed request body " + why + ", so the broker could not check it for secrets."
				+ " Send it uncompressed.");
	}
}
