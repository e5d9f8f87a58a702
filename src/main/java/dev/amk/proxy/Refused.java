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

	Refused(Refusal refusal) {
		this(refusal, false);
	}

	private Refused(Refusal refusal, boolean closeConnection) {
		super(refusal.type().type(), null, false, false);
		this.refusal = refusal;
		this.closeConnection = closeConnection;
	}

	static Refused of(ErrorType type, String message) {
		return new Refused(new Refusal(type, message));
	}

	/** A refusal after which the rest of the connection's bytes cannot be trusted to be framed as the client meant. */
	static Refused closingConnection(ErrorType type, String message) {
		return new Refused(new Refusal(type, message), true);
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
