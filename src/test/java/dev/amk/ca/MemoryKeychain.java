package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.secrets.SecretStore;
import dev.amk.secrets.SecretStoreErrors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A keychain in this JVM's memory for the CA's logic, CLI and Settings tests (the real keychain is exercised by
 * {@link LocalCaKeychainTest}). It can be switched to answer like a locked keychain.
 */
public final class MemoryKeychain implements SecretStore {
	public final Map<String, String> items = new ConcurrentHashMap<>();
	public volatile boolean locked;

	@Override
	public void put(String ref, String secret) {
		refuseIfLocked();
		items.put(ref, secret);
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

	private void refuseIfLocked() {
		if (locked) {
			throw SecretStoreErrors.locked("test: locked", new AmkException("locked", "locked"));
		}
	}
}
