package dev.amk.secrets;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A keychain for tests that lives in this JVM's memory: what the broker, the CLI and the UI use in end-to-end
 * tests, so that they run on a machine with no Secret Service (a laptop without gnome-keyring, a container).
 * {@link SecretStoreContract} holds it to what the real {@link KeyringSecretStore} does where tests rely on it.
 *
 * <p>It lives in the test sources on purpose: the shipped app has no store but the OS keychain, so that no
 * setting, flag or mistake in the wiring can ever leave real secrets outside it. Share one instance between
 * the broker and the CLI runs of a test, as they share the OS keychain in real life; a separate {@code amk}
 * process cannot see it, which is why process tests use the real keychain ({@code dev.amk.testing.NeedsKeychain}).
 */
public final class InMemorySecretStore implements SecretStore {
	/** What it holds, for tests that look behind the store (a CA key's format, a damaged item). */
	public final ConcurrentMap<String, String> items = new ConcurrentHashMap<>();
	/** While true, every call answers as a locked keychain does. */
	public volatile boolean locked;

	@Override
	public void put(String ref, String secret) {
		refuseIfLocked();
		items.put(Objects.requireNonNull(ref, "ref"), Objects.requireNonNull(secret, "secret"));
	}

	@Override
	public String get(String ref) {
		refuseIfLocked();
		String secret = items.get(ref);
		if (secret == null) {
			throw SecretStoreErrors.missing(ref);
		}
		return secret;
	}

	@Override
	public void delete(String ref) {
		refuseIfLocked();
		items.remove(ref);
	}

	@Override
	public String description() {
		return "in-memory test keychain";
	}

	/** The references that hold a secret now: lets a test prove that removing a connection left nothing behind. */
	public Set<String> refs() {
		return Set.copyOf(items.keySet());
	}

	private void refuseIfLocked() {
		if (locked) {
			throw SecretStoreErrors.locked("test: locked", new IllegalStateException("locked"));
		}
	}
}
