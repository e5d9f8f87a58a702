package dev.amk.proxy;

import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;

import java.io.IOException;

/**
 * The exchange ended after it had begun: the agent left, or the upstream broke or was cut mid-answer. Nothing
 * more can be said to the agent; the front door records the outcome and fails the response.
 */
final class ExchangeBroken extends Exception {
	private final Decision decision;
	private final ErrorType reason;

	ExchangeBroken(Decision decision, ErrorType reason, IOException cause) {
		super(reason.type(), cause, false, false);
		this.decision = decision;
		this.reason = reason;
	}

	/** The agent went away: what it got was allowed, and the rest is no longer wanted. */
	static ExchangeBroken clientClosed(IOException cause) {
		return new ExchangeBroken(Decision.ALLOWED, ErrorType.CLIENT_CLOSED, cause);
	}

	/** The answer was cut for {@code reason}: a refusal that came too late to be answered. */
	static ExchangeBroken cut(ErrorType reason, IOException cause) {
		return new ExchangeBroken(Decision.refusing(reason), reason, cause);
	}

	Decision decision() {
		return decision;
	}

	ErrorType reason() {
		return reason;
	}
}
