package dev.amk.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests running at once per key (an agent, or an agent on one connection), against its own cap (the broker-wide caps
 * live in the proxy).
 *
 * @param <K> what a count belongs to
 */
final class ConcurrencyCaps<K> {
	private final Map<K, AtomicInteger> running = new ConcurrentHashMap<>();

	boolean tryAcquire(K key, int max) {
		AtomicInteger n = running.computeIfAbsent(key, id -> new AtomicInteger());
		if (n.incrementAndGet() > max) {
			n.decrementAndGet();
			return false;
		}
		return true;
	}

	void release(K key) {
		AtomicInteger n = running.get(key);
		if (n != null) {
			n.decrementAndGet();
		}
	}

	int running(K key) {
		AtomicInteger n = running.get(key);
		return n == null ? 0 : n.get();
	}
}
