package dev.amk.proxy;

import dev.amk.access.Refusal;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;

/** Obtains the real credential of the connection a request was allowed to reach, or says in the contract's terms why there is none. */
final class CredentialLookup {
	private final CredentialSource source;

	CredentialLookup(CredentialSource source) {
		this.source = source;
	}

	String obtain(Connection connection) throws Refused {
		try {
			return source.credentialFor(connection);
		} catch (AmkException e) {
			throw new Refused(refusal(connection, e));
		}
	}

	/** A better credential after the upstream rejected {@code rejected}, or null when there is none to try. */
	String afterRejection(Connection connection, String rejected) {
		return source.afterRejection(connection, rejected);
	}

	private static Refusal refusal(Connection connection, AmkException e) {
		ErrorType type = e.errorType();
		if (type == ErrorType.CONNECTION_NEEDS_REAUTH) {
			return new Refusal(ErrorType.CONNECTION_NEEDS_REAUTH, e.getMessage());
		}
		if (type == ErrorType.TOKEN_REFRESH_FAILED) {
			return new Refusal(ErrorType.UPSTREAM_UNREACHABLE, e.getMessage());
		}
		return new Refusal(ErrorType.CONNECTION_UNAVAILABLE, "The broker cannot read the secret of connection '"
				+ connection.name() + "': " + e.getMessage());
	}
}
