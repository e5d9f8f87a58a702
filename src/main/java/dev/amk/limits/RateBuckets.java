package dev.amk.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per minute per key (an agent, or an agent on one connection), as a token bucket holding a minute's worth of
 * requests and refilled evenly. Kept as one number per key (GCRA: the "theoretical arrival time" of the next request),
 * moved with compare-and-set, so a request costs a map look-up and a CAS: no lock, no timer thread.
 *
 * @param <K> what a bucket belongs to
 */
final class RateBuckets<K> {
	private record Bucket(int perMinute, AtomicLong theoreticalArrival) {
	}

	private static final long MINUTE_NANOS = 60_000_000_000L;

	private final Map<K, Bucket> buckets = new ConcurrentHashMap<>();

	/**
	 * Takes one token from the key's bucket.
	 *
	 * @param nowNanos the time from the broker's clock, in nanoseconds since the epoch
	 * @return 0 when taken; otherwise the nanoseconds until the next token is there
	 */
	long take(K key, int perMinute, long nowNanos) {
		Bucket b = buckets.get(key);
		if (b == null || b.perMinute != perMinute) {
			// Atomic per key: racing first requests must share one bucket, not each start a full one. A changed limit starts full.
			b = buckets.compute(key, (id, old) -> old != null && old.perMinute == perMinute ? old : new Bucket(perMinute, new AtomicLong(Long.MIN_VALUE)));
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

	/**
	 * Puts back a token taken by {@link #take} for a request another limit then refused, so that a refused request does not
	 * count against this one. A bucket refilled past full meanwhile stays full.
	 */
	void giveBack(K key, int perMinute) {
		Bucket b = buckets.get(key);
		if (b != null && b.perMinute == perMinute) {
			b.theoreticalArrival.addAndGet(-(MINUTE_NANOS / perMinute));
		}
	}
}
