package dev.amk.audit;

import dev.amk.common.ErrorType;
import dev.amk.db.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes audit rows off the request path: requests {@link #record} into a bounded queue and move on; one
 * writer thread commits them in batches (one transaction per batch), so auditing adds no latency and one
 * fsync serves many requests. {@link #close} drains everything queued before it returns.
 *
 * <p>Rows older than the retention period are pruned by the same thread, at start and every six hours.
 *
 * <p>If the queue is ever full (the disk stalls for seconds under heavy load), new rows are counted and a
 * single {@code audit_overflow} row records how many were lost; requests are never held up.
 */
public final class AuditLog implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
	private static final int BATCH = 512;
	private static final Duration PRUNE_EVERY = Duration.ofHours(6);

	private final Database db;
	private final Clock clock;
	private final Duration retention;
	private Instant lastPrune = Instant.MIN;
	private final BlockingQueue<AuditEvent> queue;
	private final AtomicLong dropped = new AtomicLong();
	private final List<Consumer<List<AuditEvent>>> listeners = new CopyOnWriteArrayList<>();
	private final Thread writer;
	private volatile boolean closing;

	/** @param retention how long rows are kept; null keeps them for ever */
	public AuditLog(Database db, int capacity, Clock clock, Duration retention) {
		this.db = db;
		this.clock = clock;
		this.retention = retention;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.writer = Thread.ofPlatform().daemon().name("amk-audit-writer").unstarted(this::run);
	}

	public AuditLog start() {
		writer.start();
		return this;
	}

	/** Never blocks. */
	public void record(AuditEvent event) {
		if (closing || !queue.offer(event)) {
			dropped.incrementAndGet();
		}
	}

	/** Called on the writer thread with each committed batch (ids filled in). */
	public void addListener(Consumer<List<AuditEvent>> listener) {
		listeners.add(listener);
	}

	public long droppedCount() {
		return dropped.get();
	}

	private void run() {
		try (Connection c = db.connect(Database.Durability.NORMAL)) {
			List<AuditEvent> batch = new ArrayList<>(BATCH);
			pruneIfDue(c);
			while (!closing || !queue.isEmpty()) {
				pruneIfDue(c);
				AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, BATCH - 1);
				write(c, batch);
				batch.clear();
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (SQLException | RuntimeException e) {
			LOG.log(System.Logger.Level.ERROR, "The audit writer stopped: " + e.getMessage(), e);
		}
	}

	private void write(Connection c, List<AuditEvent> batch) {
		long lost = dropped.getAndSet(0);
		int real = batch.size();
		if (lost > 0) {
			AuditEvent last = batch.getLast();
			batch.add(new AuditEvent(0, last.time(), null, null, null, null, "(" + lost + " audit rows were dropped)", 0, Decision.ERROR,
					ErrorType.AUDIT_OVERFLOW.type(), 0, 0, 0));
		}
		try {
			c.setAutoCommit(false);
			List<AuditEvent> written = AuditStore.append(c, batch);
			c.commit();
			c.setAutoCommit(true);
			for (Consumer<List<AuditEvent>> l : listeners) {
				try {
					l.accept(written);
				} catch (RuntimeException e) {
					LOG.log(System.Logger.Level.WARNING, "An audit listener failed", e);
				}
			}
		} catch (SQLException e) {
			try {
				c.rollback();
				c.setAutoCommit(true);
			} catch (SQLException ignored) {
				// the next batch starts a fresh transaction
			}
			dropped.addAndGet(real + lost); // the overflow row itself was not a request
			LOG.log(System.Logger.Level.ERROR, "Writing " + batch.size() + " audit rows failed: " + e.getMessage());
		}
	}

	private void pruneIfDue(Connection c) {
		Instant now = clock.instant();
		if (retention == null || Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) < 0) {
			return;
		}
		lastPrune = now;
		try {
			int pruned = AuditStore.pruneOlderThan(c, now.minus(retention));
			if (pruned > 0) {
				LOG.log(System.Logger.Level.INFO, "Pruned " + pruned + " audit rows older than " + retention.toDays() + " days");
			}
		} catch (SQLException e) {
			LOG.log(System.Logger.Level.WARNING, "Pruning old audit rows failed: " + e.getMessage());
		}
	}

	/** Stops accepting rows and waits until every queued row is committed. */
	@Override
	public void close() {
		closing = true;
		try {
			writer.join(10_000);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
