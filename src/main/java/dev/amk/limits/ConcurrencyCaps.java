package dev.amk.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests running at once per agent, against the agent's own cap (the broker-wide caps live in the proxy). */
final class ConcurrencyCaps {
	private final Map<Long, AtomicInteger> running = new ConcurrentHashMap<>();

	boolean tryAcquire(long agentId, int max) {
		AtomicInteger n = running.computeIfAbsent(agentId, id -> new AtomicInteger());
		if (n.incrementAndGet() > max) {
			n.decrementAndGet();
			return false;
		}
		return true;
	}

	void release(long agentId) {
		AtomicInteger n = running.get(agentId);
		if (n != null) {
			n.decrementAndGet();
		}
	}

	int running(long agentId) {
		AtomicInteger n = running.get(agentId);
		return n == null ? 0 : n.get();
	}
}
