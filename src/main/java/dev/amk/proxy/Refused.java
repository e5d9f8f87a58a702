package dev.amk.proxy;

import dev.amk.access.Authorisation;
import dev.amk.access.Refusal;
import dev.amk.common.ErrorType;

/**
 * Thrown by a stage of the pipeline that refuses the request, before any of the answer was sent; the front
 * door answers it with the contract's JSON error. Carries no stack trace: a refusal is an answer, not a bug.
 */
final class Refused extends Exception {
	private final Refusal refusal;
	private final boolean closeConnection;
	/** Seconds the agent should wait before trying again, for the Retry-After header; 0: none given. */
	private final long retryAfterSeconds;

	Refused(Refusal refusal) {
		this(refusal, false, 0);
	}

	private Refused(Refusal refusal, boolean closeConnection, long retryAfterSeconds) {
		super(refusal.type().type(), null, false, false);
		this.refusal = refusal;
		this.closeConnection = closeConnection;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** A refusal by the agent's controls (rate, budget, model), with its honest Retry-After. */
	static Refused by(dev.amk.limits.AgentControls.Denied denied) {
		return new Refused(denied.refusal(), false, denied.retryAfterSeconds());
	}

	long retryAfterSeconds() {
		return retryAfterSeconds;
	}

	static Refused of(ErrorType type, String message) {
		return new Refused(new Refusal(type, message));
	}

	/** A refusal after which the rest of the connection's bytes cannot be trusted to be framed as the client meant. */
	static Refused closingConnection(ErrorType type, String message) {
		return new Refused(new Refusal(type, message), true, 0);
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
