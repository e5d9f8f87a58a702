package dev.amk.access;

import dev.amk.agents.AgentKey;
import dev.amk.agents.AgentRepository;
import dev.amk.agents.GrantRule;
import dev.amk.db.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real SQLite file, changed through a second connection as the CLI would. */
class AccessRegistryTest {
	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

	@TempDir
	Path dir;
	private Database db;
	private AccessRegistry registry;
	private final AgentRepository agents = new AgentRepository();

	@BeforeEach
	void open() {
		db = Database.openRegistry(dir);
		registry = new AccessRegistry(db, Duration.ofMillis(5));
	}

	@AfterEach
	void close() {
		if (registry != null) {
			registry.close();
		}
	}

	/** Commits from another connection, as another process would. */
	private long addConnection(String name) {
		return db.inTransaction(c -> {
			try (PreparedStatement ps = c.prepareStatement("INSERT INTO connections (name, provider, base_url, auth_kind, auth_name, auth_format,"
					+ " secret_ref, created_at) VALUES (?, 'custom', ?, 'header', 'Authorization', 'Bearer {secret}', ?, 0) RETURNING id")) {
				ps.setString(1, name);
				ps.setString(2, "https://" + name + ".example/");
				ps.setString(3, "ref-" + name);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return rs.getLong(1);
				}
			}
		});
	}

	private long addAgent(String name, String key, long connectionId) {
		return db.inTransaction(c -> {
			long id = agents.insert(c, name, AgentKey.hash(key), AgentKey.displayPrefix(key), T0, null);
			agents.insertGrant(c, id, connectionId, GrantRule.READ);
			return id;
		});
	}

	@Test
	@DisplayName("before start, the snapshot is empty; start loads connections, agents and their grants")
	void startLoads() {
		assertSame(AccessSnapshot.EMPTY, registry.current());
		String key = AgentKey.generate();
		long openai = addConnection("openai");
		long id = addAgent("coder", key, openai);
		registry.start();
		AccessSnapshot snapshot = registry.current();
		assertNotNull(snapshot.connection("openai"));
		AccessSnapshot.AgentEntry entry = snapshot.agentByKeyHash(AgentKey.hash(key));
		assertEquals(id, entry.agent().id());
		assertSame(entry, snapshot.agentById(id));
		assertEquals(GrantRule.READ, entry.grants().get("openai"));
	}

	@Test
	@DisplayName("reload() reads an in-process change at once and tells every listener, even after one fails")
	void reloadNotifiesListeners() {
		registry.start();
		List<AccessSnapshot> heard = new CopyOnWriteArrayList<>();
		registry.addListener(s -> {
			throw new IllegalStateException("a broken listener");
		});
		registry.addListener(heard::add);
		addConnection("openai");
		AccessSnapshot reloaded = registry.reload();
		assertNotNull(reloaded.connection("openai"));
		assertSame(reloaded, registry.current());
		assertEquals(List.of(reloaded), heard);
	}

	@Test
	@DisplayName("a commit by another connection moves data_version: the watcher loads it and tells listeners without a reload()")
	void watcherSeesOtherConnectionsCommits() throws InterruptedException {
		registry.setBusySignal(() -> true);
		registry.start();
		LinkedBlockingQueue<AccessSnapshot> heard = new LinkedBlockingQueue<>();
		registry.addListener(heard::add);
		addConnection("github");
		AccessSnapshot snapshot = heard.poll(10, TimeUnit.SECONDS);
		assertNotNull(snapshot, "the watcher never published the change");
		assertNotNull(snapshot.connection("github"));
		assertSame(snapshot, registry.current());
	}

	@Test
	@DisplayName("the first request after a quiet spell wakes the idle watcher: another process's change is seen without waiting out the idle poll")
	void wakeEndsTheIdleWait() throws InterruptedException {
		registry.close();
		registry = new AccessRegistry(db, Duration.ofMillis(5), Duration.ofHours(1)); // without the wake, the change waits an hour
		java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
		registry.setBusySignal(busy::get);
		registry.start();
		LinkedBlockingQueue<AccessSnapshot> heard = new LinkedBlockingQueue<>();
		registry.addListener(heard::add);
		addConnection("github");
		// As InFlightRequests does: the request counts as running first, then wakes the watcher.
		busy.set(true);
		registry.wake();
		AccessSnapshot snapshot = heard.poll(10, TimeUnit.SECONDS);
		assertNotNull(snapshot, "the woken watcher never published the change");
		assertNotNull(snapshot.connection("github"));
	}

	@Test
	@DisplayName("after close(), changes are no longer watched")
	void closeStopsWatching() {
		registry.start();
		registry.close();
		addConnection("late");
		assertNull(registry.current().connection("late"));
	}
}
