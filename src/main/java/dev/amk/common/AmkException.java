package dev.amk.common;

/**
 * A failure a person will read: the message says what happened and what to do next.
 * It never carries a secret or an agent key, so it is safe to print, log and return as JSON.
 * Its type is always one of the catalogue's ({@link ErrorType}), so a caller tells failures apart by constant,
 * never by comparing strings.
 */
public class AmkException extends RuntimeException {
	private final ErrorType type;

	public AmkException(ErrorType type, String message) {
		super(message);
		this.type = java.util.Objects.requireNonNull(type, "type");
	}

	public AmkException(ErrorType type, String message, Throwable cause) {
		super(message, cause);
		this.type = java.util.Objects.requireNonNull(type, "type");
	}

	/** The stable, machine-readable contract string such as {@code not_found} or {@code keychain_unavailable}. */
	public String type() {
		return type.type();
	}

	/** The catalogued type, for comparisons and for the CLI's exit status. */
	public ErrorType errorType() {
		return type;
	}

	public boolean is(ErrorType other) {
		return type == other;
	}

	public static AmkException notFound(String what, String name, String hint) {
		return new AmkException(ErrorType.NOT_FOUND, "No " + what + " named '" + name + "'. " + hint);
	}

	/**
	 * A request the front door itself refuses (a CLI option out of range, an environment variable that is not a
	 * number). A service refusing a person's input throws {@link InvalidInput} instead, which names the field.
	 */
	public static AmkException invalid(String message) {
		return new AmkException(ErrorType.INVALID_ARGUMENT, message);
	}
}
