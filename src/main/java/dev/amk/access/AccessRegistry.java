package dev.amk.access;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentRepository;
import dev.amk.connections.ConnectionRepository;
import dev.amk.db.Database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Keeps the current {@link AccessSnapshot} and replaces it when the registry changes, whoever changed it.
 *
 * <p>Changes made by another process (the {@code amk} CLI) are noticed by polling SQLite's
 * {@code PRAGMA data_version} on a dedicated connection: the value moves whenever any other connection
 * commits, it costs a few microseconds to read, and it needs no file watcher (those are slow and
 * unreliable on macOS). Polling every 20 ms keeps a revoke well inside the contract's 100 ms.
 */
public final class AccessRegistry implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(AccessRegistry.class.getName());

	private final Database db;
	private final Duration pollInterval;
	private final AgentRepository agents = new AgentRepository();
	private final ConnectionRepository connections = new ConnectionRepository();
	private final List<Consumer<AccessSnapshot>> listeners = new CopyOnWriteArrayList<>();
	private volatile AccessSnapshot current = AccessSnapshot.EMPTY;
	private volatile boolean running;
	private Thread watcher;

	public AccessRegistry(Database db, Duration pollInterval) {
		this.db = db;
		this.pollInterval = pollInterval;
	}

	public AccessSnapshot current() {
		return current;
	}

	/** Called after every reload, on the thread that reloaded. Keep listeners quick. */
	public void addListener(Consumer<AccessSnapshot> listener) {
		listeners.add(listener);
	}

	/** Reloads now; in-process changes call this so that they apply before the call returns. */
	public synchronized AccessSnapshot reload() {
		AccessSnapshot snapshot = db.read(this::load);
		publish(snapshot);
		return snapshot;
	}

	/** Loads the first snapshot and starts watching for changes. */
	public synchronized void start() {
		if (running) {
			return;
		}
		running = true;
		Connection c = db.connect(Database.Durability.NORMAL);
		long version;
		try {
			version = dataVersion(c);
			publish(load(c));
		} catch (SQLException e) {
			closeQuietly(c);
			running = false;
			throw new IllegalStateException("cannot read the registry", e);
		}
		long initialVersion = version;
		watcher = Thread.ofPlatform().daemon().name("amk-registry-watcher").start(() -> watch(c, initialVersion));
	}

	private void watch(Connection c, long lastVersion) {
		long seen = lastVersion;
		try {
			while (running) {
				LockSupport.parkNanos(pollInterval.toNanos());
				try {
					long v = dataVersion(c);
					if (v != seen) {
						seen = v;
						AccessSnapshot snapshot = load(c);
						synchronized (this) {
							publish(snapshot);
						}
					}
				} catch (SQLException | RuntimeException e) {
					// A busy or briefly locked database: keep the last good snapshot and try again next tick.
					LOG.log(System.Logger.Level.WARNING, "Reading registry changes failed; retrying: " + e.getMessage());
				}
			}
		} finally {
			closeQuietly(c);
		}
	}

	private AccessSnapshot load(Connection c) throws SQLException {
		boolean auto = c.getAutoCommit();
		c.setAutoCommit(false); // one read transaction: connections and agents from the same commit
		try {
			var conns = connections.all(c);
			Map<Agent, String> keyed = new LinkedHashMap<>();
			for (AgentRepository.KeyedAgent ka : agents.allWithKeys(c)) {
				keyed.put(ka.agent(), ka.keyHash());
			}
			return new AccessSnapshot(conns, keyed);
		} finally {
			c.rollback();
			c.setAutoCommit(auto);
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

	private static long dataVersion(Connection c) throws SQLException {
		try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
			return rs.getLong(1);
		}
	}

	private static void closeQuietly(Connection c) {
		try {
			c.close();
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
	}
}
