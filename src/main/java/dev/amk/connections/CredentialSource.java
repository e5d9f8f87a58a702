package dev.amk.connections;

/**
 * The credential the proxy injects for a connection: the API key as stored, or an OAuth access token kept
 * fresh. Implementations may block (keychain, token endpoint); callers are request threads, never a UI thread.
 */
public interface CredentialSource {
	/** The credential to send now; throws an {@link dev.amk.common.AmkException} saying why there is none. */
	String credentialFor(Connection connection);

	/**
	 * The upstream answered 401 to {@code rejected}: a better credential to retry with once, or null when
	 * there is none (an API key, or an OAuth token that cannot be refreshed).
	 */
	default String afterRejection(Connection connection, String rejected) {
		return null;
	}
}
