package dev.amk.run;

import dev.amk.agents.AgentService;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an {@code amk run} child key alive while its tool runs: the key's expiry is a short lease (30 s) renewed every
 * 10 s from this process. If this process dies without closing (kill -9, a crash, a sleeping laptop), nothing renews it
 * and the broker refuses the key as {@code expired_key} once the lease is over; the next {@code amk run} deletes the row.
 * {@link #close} deletes the key at once.
 */
public final class KeyLease implements AutoCloseable {
	public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

	private final AgentService agents;
	private final String child;
	private final Duration lease;
	private final Instant notAfter;
	private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "amk-run-lease");
		t.setDaemon(true);
		return t;
	});
	private volatile boolean lost;

	/**
	 * @param notAfter the end of {@code --ttl}, beyond which the lease is never renewed; null for none
	 * @param onLost   called once when the key cannot be renewed (deleted, its agent revoked, or its ttl reached)
	 */
	public KeyLease(AgentService agents, String child, Duration lease, Instant notAfter, Runnable onLost) {
		this.agents = agents;
		this.child = child;
		this.lease = lease;
		this.notAfter = notAfter;
		long every = Math.max(100, lease.toMillis() / 3);
		renewals.scheduleWithFixedDelay(() -> renew(onLost), every, every, TimeUnit.MILLISECONDS);
	}

	private void renew(Runnable onLost) {
		if (lost) {
			return;
		}
		Instant end;
		try {
			end = agents.renewLease(child, lease, notAfter);
		} catch (RuntimeException e) {
			return; // a busy or briefly unreadable database: the next renewal tries again, well within the lease
		}
		if (end == null || (notAfter != null && !end.isBefore(notAfter) && !notAfter.isAfter(Instant.now()))) {
			lost = true;
			onLost.run();
		}
	}

	@Override
	public void close() {
		renewals.shutdownNow();
		agents.deleteChild(child);
	}
}
