package dev.amk.access;

/** Why the broker refused a request before anything was sent upstream; type and status as in the contract. */
public enum Denial {
	INVALID_KEY("invalid_key", 401),
	UNKNOWN_KEY("unknown_key", 401),
	REVOKED_KEY("revoked_key", 401),
	EXPIRED_KEY("expired_key", 401),
	SCOPE_DENIED("scope_denied", 403),
	UNKNOWN_CONNECTION("unknown_connection", 404);

	private final String type;
	private final int status;

	Denial(String type, int status) {
		this.type = type;
		this.status = status;
	}

	public String type() {
		return type;
	}

	public int status() {
		return status;
	}
}
