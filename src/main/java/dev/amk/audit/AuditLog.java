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
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes audit rows with group commit: requests {@link #record} into a bounded queue, and one writer thread
 * commits whatever is queued (gathered for a few milliseconds) in one transaction. An answered request must have its row even if the process is
 * killed a moment later: {@link #record} first copies the row into the {@linkplain AuditJournal journal}, a
 * memory-mapped file that survives the process, so the answer's last byte waits for nothing; rows a killed broker
 * left there are committed by whoever opens the log next. Without a usable journal (another broker holds it, or it
 * is full because the disk stalled) the row's ticket is {@linkplain #awaitWritten waited for} instead, as before the
 * journal existed: slower, the same guarantee. {@link #close} drains everything queued before it returns.
 *
 * <p>The audit database runs in WAL mode with {@code synchronous=NORMAL}: a commit is in the operating
 * system's hands (it survives the process being killed) without an fsync per commit; only a power loss
 * can lose the last rows before a checkpoint. Configuration, written rarely, is fsynced on every commit.
 *
 * <p>Rows older than the retention period are pruned by the same thread, at start and every six hours.
 *
 * <p>If the queue is ever full (the disk stalls for seconds under heavy load), new rows are counted and a
 * single {@code audit_overflow} row records how many were lost; requests are never held up.
 */
public final class AuditLog implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
	private static final int BATCH = 512;
	private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
	private static final Duration PRUNE_EVERY = Duration.ofHours(6);

	private final Database db;
	private final Clock clock;
	private final Duration retention;
	private Instant lastPrune = Instant.MIN;
	private final BlockingQueue<Queued> queue;
	private final int journalCapacity;
	/** Null until started, and when the journal cannot be used. */
	private AuditJournal journal;
	private final AtomicLong dropped = new AtomicLong();
	private final List<Consumer<List<AuditEvent>>> listeners = new CopyOnWriteArrayList<>();
	private final List<BatchPart> parts = new CopyOnWriteArrayList<>();
	private final Thread writer;
	private volatile boolean closing;
	/** Tickets are handed out in queue order, so "the first n queued rows are committed" is one number. */
	private final Object enqueueLock = new Object();
	private long enqueued;
	private final Object commitLock = new Object();
	private long committed;
	private static final long WAIT_AT_MOST_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** @param retention how long rows are kept; null keeps them for ever */
	public AuditLog(Database db, int capacity, Clock clock, Duration retention) {
		this(db, capacity, clock, retention, AuditJournal.DEFAULT_CAPACITY);
	}

	/** @param journalCapacity bytes of the journal's ring; 0 for none (every answer then waits for its row's commit) */
	AuditLog(Database db, int capacity, Clock clock, Duration retention, int journalCapacity) {
		this.db = db;
		this.clock = clock;
		this.retention = retention;
		this.journalCapacity = journalCapacity;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.writer = Thread.ofPlatform().daemon().name("amk-audit-writer").unstarted(this::run);
	}

	public AuditLog start() {
		if (journalCapacity > 0) {
			journal = AuditJournal.openForWriting(db, journalCapacity);
		}
		writer.start();
		return this;
	}

	/** One queued row: its journal sequence number and the journal position after it, or 0 and 0 when not journaled. */
	private record Queued(AuditEvent event, long seq, long journalEnd) {
	}

	/**
	 * Queues a row, journaled first; never blocks.
	 *
	 * @return 0 when the row is journaled (nothing to wait for) or could not be queued (it is counted as dropped); else
	 *         the ticket to {@link #awaitWritten} its commit with
	 */
	public long record(AuditEvent event) {
		if (!closing) {
			synchronized (enqueueLock) {
				// Only holders of this lock add to the queue, so a row journaled here is sure to be queued too.
				if (queue.remainingCapacity() > 0) {
					long seq = journal == null ? 0 : journal.append(event);
					queue.add(new Queued(event, seq, seq == 0 ? 0 : journal.head()));
					++enqueued;
					return seq == 0 ? enqueued : 0;
				}
			}
		}
		dropped.incrementAndGet();
		return 0;
	}

	/**
	 * Waits until the row of {@code ticket} is committed (or failed to be, and was counted as dropped), at most five seconds:
	 * a stalled disk must not hold answers for ever.
	 */
	public void awaitWritten(long ticket) {
		if (ticket == 0) {
			return;
		}
		long deadline = System.nanoTime() + WAIT_AT_MOST_NANOS;
		synchronized (commitLock) {
			while (committed < ticket) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !writer.isAlive()) {
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(commitLock, left);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Waits until every row recorded so far is committed (at most five seconds): for a reader that must see the rows
	 * of requests just answered, since an answer no longer waits for its row's commit.
	 */
	public void awaitCommitted() {
		if (Thread.currentThread() == writer) {
			return; // a listener reading the log on the writer's own thread: everything it can wait for is committed
		}
		long last;
		synchronized (enqueueLock) {
			last = enqueued;
		}
		awaitWritten(last);
	}

	private void committedUpTo(long count) {
		synchronized (commitLock) {
			committed = count;
			commitLock.notifyAll();
		}
	}

	/** Called on the writer thread with each committed batch (ids filled in). */
	public void addListener(Consumer<List<AuditEvent>> listener) {
		listeners.add(listener);
	}

	/**
	 * Other rows that ride in the audit writer's transactions (usage totals): one commit per batch for all of them, never
	 * one per request. Called on the writer thread.
	 */
	public interface BatchPart {
		/** Writes what is pending, inside the batch's transaction. */
		void write(Connection c) throws SQLException;

		/** The transaction that {@link #write} wrote into was rolled back: keep those rows for the next batch. */
		void rolledBack();

		/** The transaction committed. */
		void committed();
	}

	/** Adds a part to every batch from now on; add it before {@link #start}. */
	public void addBatchPart(BatchPart part) {
		parts.add(part);
	}

	public long droppedCount() {
		return dropped.get();
	}

	private void run() {
		try (Connection c = db.connect(Database.Durability.NORMAL); AuditStore.Appender appender = new AuditStore.Appender(c)) {
			List<Queued> batch = new ArrayList<>(BATCH);
			long taken = 0;
			pruneIfDue(c);
			while (!closing || !queue.isEmpty()) {
				pruneIfDue(c);
				Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				if (journal != null && !closing) {
					// Nobody waits for these rows (the journal holds them), so let a few milliseconds' worth gather: at
					// one request at a time that is one commit per several requests instead of one per request, and the
					// writer's wake-ups stop competing with the requests for the CPU.
					LockSupport.parkNanos(LINGER_NANOS);
				}
				batch.add(first);
				queue.drainTo(batch, BATCH - 1);
				taken += batch.size();
				write(c, appender, batch);
				batch.clear();
				committedUpTo(taken);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (SQLException | RuntimeException e) {
			LOG.log(System.Logger.Level.ERROR, "The audit writer stopped: " + e.getMessage(), e);
		} finally {
			committedUpTo(Long.MAX_VALUE); // nobody waits on a writer that is gone
		}
	}

	private void write(Connection c, AuditStore.Appender appender, List<Queued> queued) {
		long lost = dropped.getAndSet(0);
		List<AuditEvent> batch = new ArrayList<>(queued.size() + 1);
		long lastSeq = 0;
		long journalEnd = 0;
		for (Queued q : queued) {
			batch.add(q.event());
			if (q.seq() != 0) {
				lastSeq = q.seq();
				journalEnd = q.journalEnd();
			}
		}
		int real = batch.size();
		if (lost > 0) {
			AuditEvent last = batch.getLast();
			batch.add(new AuditEvent(0, last.time(), null, null, null, null, "(" + lost + " audit rows were dropped)", 0, Decision.ERROR,
					ErrorType.AUDIT_OVERFLOW.type(), 0, 0, 0));
		}
		try {
			c.setAutoCommit(false);
			List<AuditEvent> written = appender.append(batch);
			if (lastSeq != 0) {
				AuditJournal.markCommitted(c, lastSeq);
			}
			for (BatchPart part : parts) {
				part.write(c);
			}
			c.commit();
			c.setAutoCommit(true);
			if (lastSeq != 0) {
				journal.release(journalEnd, lastSeq + 1);
			}
			parts.forEach(BatchPart::committed);
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
			// The journaled rows stay in the journal: a later commit moves past them, a crash before it replays them.
			parts.forEach(BatchPart::rolledBack);
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
		if (journal != null && !writer.isAlive()) {
			journal.close();
		}
	}
}
