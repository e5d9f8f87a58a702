package dev.amk.access;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimitsRepository;
import dev.amk.agents.AgentRepository;
import dev.amk.connections.ConnectionRepository;
import dev.amk.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Keeps the current {@link AccessSnapshot} and replaces it when the registry changes, whoever changed it.
 *
 * <p>Changes made by another process (the {@code amk} CLI) are noticed through SQLite's
 * {@code PRAGMA data_version}, which moves whenever another connection commits and costs under a
 * microsecond to read (it looks at the WAL index in shared memory). It is checked in two places:
 * <ul>
 *   <li>on access: {@link #current()} checks unless another check ran less than a millisecond ago, so a
 *       request is never decided by a registry more than 1 ms older than its start (under load that is
 *       one check per millisecond, not one per request; when another thread is checking at that very
 *       moment, its result is used);</li>
 *   <li>by a watcher thread, so that running requests are cut and listeners (the UI) hear of changes
 *       without waiting for a request: every 20 ms while {@code busy} says requests are in flight,
 *       every 500 ms otherwise; the first request after a quiet spell {@linkplain #wake wakes} it, or a
 *       revocation made by the CLI could wait out the rest of an idle interval before cutting that request.</li>
 * </ul>
 * Waking a thread costs far more CPU than the check itself (~60 µs against ~1 µs here), so an idle broker
 * wakes twice a second rather than fifty times.
 */
public final class AccessRegistry implements RegistryView, AutoCloseable {
	private static final System.Logger LOG = System.getLogger(AccessRegistry.class.getName());
	private static final Duration IDLE_POLL = Duration.ofMillis(500);
	private static final long RECHECK_AFTER_NANOS = 1_000_000;

	private final Database db;
	private final long busyPollNanos;
	private final long idlePollNanos;
	private final AgentRepository agents = new AgentRepository();
	private final AgentLimitsRepository limits = new AgentLimitsRepository();
	private final ConnectionRepository connections = new ConnectionRepository();
	private final List<Consumer<AccessSnapshot>> listeners = new CopyOnWriteArrayList<>();
	private final ReentrantLock dbLock = new ReentrantLock();
	private volatile AccessSnapshot current = AccessSnapshot.EMPTY;
	private volatile boolean running;
	private volatile BooleanSupplier busy = () -> false;
	private volatile long lastCheckNanos;
	private Connection connection;
	private PreparedStatement dataVersion;
	private long seenVersion;
	private volatile Thread watcher;
	/** True while the watcher is in (or about to enter) its idle wait: only then does {@link #wake} unpark it. */
	private volatile boolean idleWait;

	/** @param busyPoll how often the watcher checks while requests are in flight */
	public AccessRegistry(Database db, Duration busyPoll) {
		this(db, busyPoll, IDLE_POLL);
	}

	/** @param idlePoll how often the watcher checks while no request is in flight */
	AccessRegistry(Database db, Duration busyPoll, Duration idlePoll) {
		this.db = db;
		this.busyPollNanos = busyPoll.toNanos();
		this.idlePollNanos = idlePoll.toNanos();
	}

	@Override
	public AccessSnapshot current() {
		if (running && System.nanoTime() - lastCheckNanos > RECHECK_AFTER_NANOS && dbLock.tryLock()) {
			try {
				refreshIfChangedLocked();
			} finally {
				dbLock.unlock();
			}
		}
		return current;
	}

	/** Called after every reload, on the thread that reloaded. Keep listeners quick. */
	@Override
	public void addListener(Consumer<AccessSnapshot> listener) {
		listeners.add(listener);
	}

	/** Tells the watcher when to poll quickly: while it returns true (requests in flight). */
	public void setBusySignal(BooleanSupplier busy) {
		this.busy = busy;
	}

	/**
	 * Ends the watcher's idle wait at once: requests have just started, so its quick polls must start now. A watcher already
	 * in its quick polls is left alone: a sequential client starts "the first request after none" every time, and waking a
	 * thread for each of them cost a context switch and a registry check per request.
	 */
	public void wake() {
		Thread w = watcher;
		if (w != null && idleWait) {
			LockSupport.unpark(w);
		}
	}

	/** Reloads now; in-process changes call this so that they apply before the call returns. */
	public AccessSnapshot reload() {
		dbLock.lock();
		try {
			seenVersion = readDataVersion();
			publish(load(connection));
			return current;
		} catch (SQLException e) {
			throw new IllegalStateException("cannot read the registry", e);
		} finally {
			dbLock.unlock();
		}
	}

	/** Loads the first snapshot and starts watching for changes. */
	public void start() {
		dbLock.lock();
		try {
			if (running) {
				return;
			}
			connection = db.connect(Database.Durability.NORMAL);
			try {
				dataVersion = connection.prepareStatement("PRAGMA data_version");
			} catch (SQLException e) {
				closeQuietly();
				throw new IllegalStateException("cannot read the registry", e);
			}
			reload();
			running = true;
		} finally {
			dbLock.unlock();
		}
		watcher = Thread.ofPlatform().daemon().name("amk-registry-watcher").start(this::watch);
	}

	private void watch() {
		while (running) {
			// Announced before busy is read: a request that starts after this read sees idleWait and wakes the watcher, one
			// that started before it makes busy true (both are volatile, so at least one of the two sides sees the other).
			idleWait = true;
			if (busy.getAsBoolean()) {
				idleWait = false;
				LockSupport.parkNanos(busyPollNanos);
			} else {
				LockSupport.parkNanos(idlePollNanos);
				idleWait = false;
			}
			dbLock.lock();
			try {
				refreshIfChangedLocked();
			} finally {
				dbLock.unlock();
			}
		}
	}

	private void refreshIfChangedLocked() {
		if (!running) {
			return;
		}
		try {
			long version = readDataVersion();
			if (version != seenVersion) {
				AccessSnapshot snapshot = load(connection);
				seenVersion = version; // only once loaded: a failed load is retried on the next check
				publish(snapshot);
			}
		} catch (SQLException | RuntimeException e) {
			// A busy or briefly locked database: keep the last good snapshot and try again on the next check.
			LOG.log(System.Logger.Level.WARNING, "Reading registry changes failed; retrying: " + e.getMessage());
		}
	}

	private long readDataVersion() throws SQLException {
		try (ResultSet rs = dataVersion.executeQuery()) {
			lastCheckNanos = System.nanoTime();
			return rs.getLong(1);
		}
	}

	private AccessSnapshot load(Connection c) throws SQLException {
		c.setAutoCommit(false); // one read transaction: connections and agents from the same commit
		try {
			var conns = connections.all(c);
			Map<Agent, String> keyed = new LinkedHashMap<>();
			for (AgentRepository.KeyedAgent ka : agents.allWithKeys(c)) {
				keyed.put(ka.agent(), ka.keyHash());
			}
			return new AccessSnapshot(conns, keyed, agents.decoyIds(c), limits.all(c));
		} finally {
			c.rollback();
			c.setAutoCommit(true);
		}
	}

	private void publish(AccessSnapshot snapshot) {
		current = snapshot;
		for (Consumer<AccessSnapshot> l : listeners) {
			try {
				l.accept(snapshot);
			} catch (RuntimeException e) {
				LOG.log(System.Logger.Level.WARNING, "A registry listener failed", e);
			}
		}
	}

	private void closeQuietly() {
		try {
			if (connection != null) {
				connection.close();
			}
		} catch (SQLException ignored) {
			// closing at shutdown
		}
	}

	@Override
	public void close() {
		running = false;
		Thread t = watcher;
		if (t != null) {
			LockSupport.unpark(t);
			try {
				t.join(2000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		dbLock.lock();
		try {
			closeQuietly();
		} finally {
			dbLock.unlock();
		}
	}
}
