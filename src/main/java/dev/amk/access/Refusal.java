package dev.amk.access;

import dev.amk.common.ErrorType;

/**
 * Why the broker will not do what a request asks: the contract's error type (which fixes the HTTP status)
 * and a message for a person that says what happened and what to do next. Never holds a secret or a key.
 */
public record Refusal(ErrorType type, String message) implements Authorisation.Verdict {
	public int status() {
		return type.httpStatus();
	}
}
