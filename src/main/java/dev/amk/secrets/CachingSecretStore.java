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
	/** Changes whenever the cached secrets may have: the exfiltration tripwire rebuilds its matcher only then. */
	private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

	public CachingSecretStore(SecretStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public void put(String ref, String secret) {
		delegate.put(ref, secret);
		cache.put(ref, secret);
		version.incrementAndGet();
	}

	@Override
	public String get(String ref) {
		String cached = cache.get(ref);
		if (cached != null) {
			return cached;
		}
		String read = cache.computeIfAbsent(ref, delegate::get);
		version.incrementAndGet();
		return read;
	}

	@Override
	public void delete(String ref) {
		cache.remove(ref);
		version.incrementAndGet();
		delegate.delete(ref);
	}

	/** Drops every cached secret whose reference is not in {@code live}. */
	public void retainOnly(java.util.Set<String> live) {
		if (cache.keySet().retainAll(live)) {
			version.incrementAndGet();
		}
	}

	public void forget(String ref) {
		if (cache.remove(ref) != null) {
			version.incrementAndGet();
		}
	}

	/** Whether the secret filed under {@code ref} is in memory already. */
	public boolean holds(String ref) {
		return cache.containsKey(ref);
	}

	/** A number that changes whenever {@link #cachedSecrets()} may return something else. */
	public long version() {
		return version.get();
	}

	/** Every secret held in memory now: what the exfiltration tripwire looks for in requests. */
	public java.util.Collection<String> cachedSecrets() {
		return java.util.List.copyOf(cache.values());
	}

	@Override
	public String description() {
		return delegate.description();
	}
}
