package dev.amk.proxy;

import dev.amk.access.Authorisation;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.common.ErrorType;

/**
 * Thrown by a stage of the pipeline that refuses the request, before any of the answer was sent; the front
 * door answers it with the contract's JSON error. Carries no stack trace: a refusal is an answer, not a bug.
 */
final class Refused extends Exception {
	private final Refusal refusal;
	private final boolean closeConnection;
	/** The decoy agent whose key was used, or null: the answer says unknown_key, the audit row says who and why. */
	private final Caller decoy;
	/** Seconds the agent should wait before trying again, for the Retry-After header; 0: none given. */
	private final long retryAfterSeconds;

	Refused(Refusal refusal) {
		this(refusal, false, null, 0);
	}

	private Refused(Refusal refusal, boolean closeConnection, Caller decoy, long retryAfterSeconds) {
		super(refusal.type().type(), null, false, false);
		this.refusal = refusal;
		this.closeConnection = closeConnection;
		this.decoy = decoy;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** A decoy key's use: answered exactly as {@code unknown}, audited as {@code decoy_used} under the decoy's name. */
	static Refused decoyUsed(Refusal unknown, Caller decoy) {
		return new Refused(unknown, false, decoy, 0);
	}

	/** A refusal by the agent's controls (rate, budget, model), with its honest Retry-After. */
	static Refused by(dev.amk.limits.AgentControls.Denied denied) {
		return new Refused(denied.refusal(), false, null, denied.retryAfterSeconds());
	}

	long retryAfterSeconds() {
		return retryAfterSeconds;
	}

	/**
	 * The reason the audit row records, naming the decoy agent on it when this is a decoy's use; otherwise the answer's
	 * own type.
	 */
	ErrorType auditReason(dev.amk.audit.AuditDraft audit) {
		if (decoy == null) {
			return refusal.type();
		}
		audit.caller(decoy.agentId(), decoy.agentName());
		return ErrorType.DECOY_USED;
	}

	static Refused of(ErrorType type, String message) {
		return new Refused(new Refusal(type, message));
	}

	/** A refusal after which the rest of the connection's bytes cannot be trusted to be framed as the client meant. */
	static Refused closingConnection(ErrorType type, String message) {
		return new Refused(new Refusal(type, message), true, null, 0);
	}

	/** The permission, or the refusal thrown: for a pipeline that stops at the first refusal. */
	static Authorisation.Allowed unlessAllowed(Authorisation.Verdict verdict) throws Refused {
		return switch (verdict) {
			case Authorisation.Allowed allowed -> allowed;
			case Refusal refusal -> throw new Refused(refusal);
		};
	}

	Refusal refusal() {
		return refusal;
	}

	boolean closesConnection() {
		return closeConnection;
	}
}
