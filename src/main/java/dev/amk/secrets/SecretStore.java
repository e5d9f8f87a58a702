package dev.amk.secrets;

/**
 * Where real credentials live. The only production implementation is the OS keychain
 * ({@link KeyringSecretStore}); there is deliberately no plaintext fallback.
 *
 * <p>Calls may block (a keychain can prompt or be slow to start); never call them on a UI thread.
 * Failures are {@link dev.amk.common.AmkException}s whose messages never contain a secret.
 */
public interface SecretStore {
	/** Stores or overwrites the secret filed under {@code ref}. */
	void put(String ref, String secret);

	/** The secret filed under {@code ref}; throws with type {@code secret_missing} if there is none. */
	String get(String ref);

	/** Removes the secret; removing one that is not there is not an error. */
	void delete(String ref);

	/** A human name for the backend, such as "macOS Keychain". */
	String description();
}
