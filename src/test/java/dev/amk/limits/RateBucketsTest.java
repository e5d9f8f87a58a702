package dev.amk.limits;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateBucketsTest {
	private static final long SECOND = 1_000_000_000L;

	@Test
	@DisplayName("a minute's worth at once, then one token per 60/rpm seconds; the wait is exact")
	void refill() {
		RateBuckets<Long> b = new RateBuckets<>();
		long t = 1_000 * SECOND;
		for (int i = 0; i < 60; i++) {
			assertEquals(0, b.take(1L, 60, t));
		}
		assertEquals(SECOND, b.take(1L, 60, t));
		assertEquals(SECOND / 2, b.take(1L, 60, t + SECOND / 2));
		assertEquals(0, b.take(1L, 60, t + SECOND));
		assertEquals(0, b.take(2L, 60, t), "another agent has its own bucket");
	}

	@Test
	@DisplayName("under contention exactly the bucket's size gets through, no more")
	void concurrent() {
		RateBuckets<Long> b = new RateBuckets<>();
		for (long agent = 0; agent < 20; agent++) { // a fresh bucket each round: its creation is raced too
			long id = agent;
			AtomicInteger allowed = new AtomicInteger();
			IntStream.range(0, 5_000).parallel().forEach(i -> {
				if (b.take(id, 500, 42 * SECOND) == 0) {
					allowed.incrementAndGet();
				}
			});
			assertEquals(500, allowed.get(), "round " + agent);
		}
	}

	@Test
	@DisplayName("a token given back (another limit refused the request) can be taken again at once; a changed limit ignores it")
	void giveBack() {
		RateBuckets<String> b = new RateBuckets<>();
		long t = 1_000 * SECOND;
		assertEquals(0, b.take("a", 2, t));
		assertEquals(0, b.take("a", 2, t));
		assertEquals(30 * SECOND, b.take("a", 2, t));
		b.giveBack("a", 2);
		assertEquals(0, b.take("a", 2, t));
		assertEquals(30 * SECOND, b.take("a", 2, t));
		b.giveBack("a", 3);
		assertEquals(30 * SECOND, b.take("a", 2, t), "a token of a bucket of another size is not this bucket's");
	}
}
