package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

/**
 * The local CA refused to issue a certificate for a name: it signs only plain DNS host names, so that a
 * leaf can never stand for an IP address, a wildcard or a name no client would send as SNI.
 * {@link #reason()} tells the cases apart for tests and audit rows; the message is for a person.
 */
public final class InvalidHostException extends AmkException {
	/** Why the name was refused. */
	public enum Reason {
		EMPTY, IP_LITERAL, WILDCARD, TOO_LONG, INVALID
	}

	private final Reason reason;

	InvalidHostException(Reason reason, String message) {
		super(ErrorType.INVALID_HOST, message);
		this.reason = reason;
	}

	public Reason reason() {
		return reason;
	}
}
