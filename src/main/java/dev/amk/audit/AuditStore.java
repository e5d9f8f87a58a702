package dev.amk.audit;

import dev.amk.agents.UsageSource;
import dev.amk.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads and appends audit rows in {@code audit.db}. */
public final class AuditStore implements UsageSource {
	private final Database db;
	private volatile Runnable flush = () -> { };

	/** Opening the log also commits the rows a killed broker left in its {@linkplain AuditJournal journal}. */
	public AuditStore(Database db) {
		this.db = db;
		AuditJournal.recoverOrphaned(db);
	}

	public Database database() {
		return db;
	}

	/**
	 * Makes every read first wait for {@code flush} (the broker's {@link AuditLog#awaitCommitted}): a reader in the broker's
	 * process (the app's views, in-process commands) then sees every request answered before it asked, although answers no
	 * longer wait for their rows' commits.
	 */
	public void flushBeforeReads(Runnable flush) {
		this.flush = flush;
	}

	private <T> T read(Database.SqlWork<T> work) {
		flush.run();
		return db.read(work);
	}

	/** Newest first. {@code agent} may be null for all agents. */
	public List<AuditEvent> recent(String agent, int limit) {
		return read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit WHERE (? IS NULL OR agent = ?) ORDER BY id DESC LIMIT ?")) {
				ps.setString(1, agent);
				ps.setString(2, agent);
				ps.setInt(3, limit);
				return readAll(ps);
			}
		});
	}

	/** Rows written after {@code afterId}, oldest first: for following the log. */
	public List<AuditEvent> after(long afterId, String agent, int limit) {
		return read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit WHERE id > ? AND (? IS NULL OR agent = ?) ORDER BY id LIMIT ?")) {
				ps.setLong(1, afterId);
				ps.setString(2, agent);
				ps.setString(3, agent);
				ps.setInt(4, limit);
				return readAll(ps);
			}
		});
	}

	public long latestId() {
		return read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM audit"); ResultSet rs = ps.executeQuery()) {
				return rs.getLong(1);
			}
		});
	}

	/** Per-agent counts since {@code since}: requests, denied requests, newest time. */
	public record AgentCounts(long agentId, long requests, long denied, Instant last) {
	}

	public List<AgentCounts> countsSince(Instant since) {
		return read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, count(*), sum(decision = 'denied'), max(time) FROM audit"
					+ " WHERE time >= ? AND agent_id IS NOT NULL GROUP BY agent_id")) {
				ps.setLong(1, since.toEpochMilli());
				List<AgentCounts> result = new ArrayList<>();
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						result.add(new AgentCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4))));
					}
				}
				return result;
			}
		});
	}

	@Override
	public Map<Long, Instant> lastUsedByAgentId() {
		return read(c -> {
			Map<Long, Instant> result = new HashMap<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, last_used_at FROM agent_usage"); ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					result.put(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)));
				}
			}
			return result;
		});
	}

	/**
	 * Deletes rows older than {@code cutoff}, oldest first, in the caller's connection. Ids grow with time, so
	 * the scan stops at the first young row; no index on time (and its cost on every insert) is needed.
	 */
	static int pruneOlderThan(Connection c, Instant cutoff) throws SQLException {
		long firstKept;
		try (PreparedStatement ps = c.prepareStatement("SELECT id FROM audit WHERE time >= ? ORDER BY id LIMIT 1")) {
			ps.setLong(1, cutoff.toEpochMilli());
			try (ResultSet rs = ps.executeQuery()) {
				firstKept = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
			}
		}
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit WHERE id < ?")) {
			ps.setLong(1, firstKept);
			return ps.executeUpdate();
		}
	}

	/** Appends a batch in the caller's transaction and returns the events with their row ids. */
	static List<AuditEvent> append(Connection c, Collection<AuditEvent> events) throws SQLException {
		try (Appender appender = new Appender(c)) {
			return appender.append(events);
		}
	}

	/**
	 * The audit writer's statements, prepared once for its connection's life: it appends a batch every few milliseconds,
	 * and preparing them anew each time was a fifth of its work.
	 */
	static final class Appender implements AutoCloseable {
		private final PreparedStatement insert;
		private final PreparedStatement lastUsedAt;

		Appender(Connection c) throws SQLException {
			insert = c.prepareStatement("INSERT INTO audit (time, agent_id, agent, connection, method, path, status, decision,"
					+ " reason, latency_ms, bytes_in, bytes_out, mcp_method, tool) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
			try {
				lastUsedAt = c.prepareStatement("INSERT INTO agent_usage (agent_id, last_used_at) VALUES (?, ?)"
						+ " ON CONFLICT (agent_id) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)");
			} catch (SQLException e) {
				insert.close();
				throw e;
			}
		}

		/** Appends a batch in the connection's current transaction and returns the events with their row ids. */
		List<AuditEvent> append(Collection<AuditEvent> events) throws SQLException {
			List<AuditEvent> written = new ArrayList<>(events.size());
			Map<Long, Long> lastUsed = new HashMap<>();
			for (AuditEvent e : events) {
				insert.setLong(1, e.time().toEpochMilli());
				if (e.agentId() == null) {
					insert.setNull(2, Types.INTEGER);
				} else {
					insert.setLong(2, e.agentId());
					lastUsed.merge(e.agentId(), e.time().toEpochMilli(), Math::max);
				}
				insert.setString(3, e.agent());
				insert.setString(4, e.connection());
				insert.setString(5, e.method());
				insert.setString(6, e.path());
				insert.setInt(7, e.status());
				insert.setString(8, e.decision().wire());
				insert.setString(9, e.reason());
				insert.setLong(10, e.latencyMs());
				insert.setLong(11, e.bytesIn());
				insert.setLong(12, e.bytesOut());
				insert.setString(13, e.mcpMethod());
				insert.setString(14, e.tool());
				try (ResultSet rs = insert.executeQuery()) {
					rs.next();
					written.add(e.withId(rs.getLong(1)));
				}
			}
			for (var e : lastUsed.entrySet()) {
				lastUsedAt.setLong(1, e.getKey());
				lastUsedAt.setLong(2, e.getValue());
				lastUsedAt.addBatch();
			}
			lastUsedAt.executeBatch();
			return written;
		}

		@Override
		public void close() throws SQLException {
			try {
				insert.close();
			} finally {
				lastUsedAt.close();
			}
		}
	}

	private static List<AuditEvent> readAll(PreparedStatement ps) throws SQLException {
		List<AuditEvent> result = new ArrayList<>();
		try (ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.add(row(rs));
			}
		}
		return result;
	}

	/** The row {@code rs} is on. */
	static AuditEvent row(ResultSet rs) throws SQLException {
		long agentId = rs.getLong("agent_id");
		Long agentIdOrNull = rs.wasNull() ? null : agentId;
		return new AuditEvent(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("time")), agentIdOrNull, rs.getString("agent"),
				rs.getString("connection"), rs.getString("method"), rs.getString("path"), rs.getInt("status"), Decision.fromWire(rs.getString("decision")),
				rs.getString("reason"), rs.getLong("latency_ms"), rs.getLong("bytes_in"), rs.getLong("bytes_out"), rs.getString("mcp_method"),
				rs.getString("tool"));
	}
}
