package dev.amk.common;

/**
 * A failure a person will read: the message says what happened and what to do next.
 * It never carries a secret or an agent key, so it is safe to print, log and return as JSON.
 */
public class AmkException extends RuntimeException {
	private final String type;

	public AmkException(String type, String message) {
		super(message);
		this.type = type;
	}

	public AmkException(String type, String message, Throwable cause) {
		super(message, cause);
		this.type = type;
	}

	public AmkException(ErrorType type, String message) {
		this(type.type(), message);
	}

	public AmkException(ErrorType type, String message, Throwable cause) {
		this(type.type(), message, cause);
	}

	/** A stable, machine-readable error type such as {@code not_found} or {@code keychain_unavailable}. */
	public String type() {
		return type;
	}

	/** The catalogued type, or null when this exception was thrown with a string that is not in {@link ErrorType}. */
	public ErrorType errorType() {
		return ErrorType.of(type);
	}

	public static AmkException notFound(String what, String name, String hint) {
		return new AmkException("not_found", "No " + what + " named '" + name + "'. " + hint);
	}

	public static AmkException invalid(String message) {
		return new AmkException("invalid_argument", message);
	}
}
