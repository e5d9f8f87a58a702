package dev.amk.connections;

/**
 * Tells a provider that a connection's tokens are no longer wanted (RFC 7009), before the broker forgets
 * them. Lives here so that removing a connection can revoke without this package knowing OAuth's wire format.
 */
@FunctionalInterface
public interface TokenRevoker {
	/** No revocation: API keys, and the tests that don't care. */
	TokenRevoker NONE = (connection, tokenSet, clientSecret) -> Outcome.NOT_SUPPORTED;

	enum Outcome {
		REVOKED,
		/** The provider has no revocation endpoint: the person should remove the app's access on the provider's site. */
		NOT_SUPPORTED,
		FAILED
	}

	/** Best effort and bounded in time; never throws. {@code tokenSet} is the keychain item's content. */
	Outcome revoke(Connection connection, String tokenSet, String clientSecret);
}
