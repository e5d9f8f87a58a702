package dev.amk.secrets;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads each secret from the keychain once and keeps it in memory, so that the proxy's hot path never
 * waits on D-Bus or a Keychain prompt. A connection's keychain reference changes whenever its secret
 * does, so a cached entry can never be stale; {@link #forget} drops one when its connection goes away.
 */
public final class CachingSecretStore implements SecretStore {
	private final SecretStore delegate;
	private final ConcurrentMap<String, String> cache = new ConcurrentHashMap<>();

	public CachingSecretStore(SecretStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public void put(String ref, String secret) {
		delegate.put(ref, secret);
		cache.put(ref, secret);
	}

	@Override
	public String get(String ref) {
		String cached = cache.get(ref);
		if (cached != null) {
			return cached;
		}
		return cache.computeIfAbsent(ref, delegate::get);
	}

	@Override
	public void delete(String ref) {
		cache.remove(ref);
		delegate.delete(ref);
	}

	/** Drops every cached secret whose reference is not in {@code live}. */
	public void retainOnly(java.util.Set<String> live) {
		cache.keySet().retainAll(live);
	}

	public void forget(String ref) {
		cache.remove(ref);
	}

	@Override
	public String description() {
		return delegate.description();
	}
}
