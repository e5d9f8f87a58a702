package dev.amk.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per minute per agent, as a token bucket holding a minute's worth of requests and refilled evenly. Kept as
 * one number per agent (GCRA: the "theoretical arrival time" of the next request), moved with compare-and-set, so a
 * request costs a map look-up and a CAS: no lock, no timer thread.
 */
final class RateBuckets {
	private record Bucket(int perMinute, AtomicLong theoreticalArrival) {
	}

	private static final long MINUTE_NANOS = 60_000_000_000L;

	private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

	/**
	 * Takes one token from the agent's bucket.
	 *
	 * @param nowNanos the time from the broker's clock, in nanoseconds since the epoch
	 * @return 0 when taken; otherwise the nanoseconds until the next token is there
	 */
	long take(long agentId, int perMinute, long nowNanos) {
		Bucket b = buckets.get(agentId);
		if (b == null || b.perMinute != perMinute) {
			// Atomic per agent: racing first requests must share one bucket, not each start a full one. A changed limit starts full.
			b = buckets.compute(agentId, (id, old) -> old != null && old.perMinute == perMinute ? old : new Bucket(perMinute, new AtomicLong(Long.MIN_VALUE)));
		}
		long interval = MINUTE_NANOS / perMinute;
		long burst = interval * (perMinute - 1);
		while (true) {
			long tat = b.theoreticalArrival.get();
			long base = Math.max(tat, nowNanos);
			if (base - nowNanos > burst) {
				return base - burst - nowNanos;
			}
			if (b.theoreticalArrival.compareAndSet(tat, base + interval)) {
				return 0;
			}
		}
	}
}
