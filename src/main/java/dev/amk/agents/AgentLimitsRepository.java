package dev.amk.agents;

import dev.amk.common.AmkException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL for {@code agent_limits} (one row per agent that has any agent-wide limit) and {@code connection_limits} (one
 * row per agent and connection with a limit there, keyed by the connection's id so a rename keeps it).
 */
public final class AgentLimitsRepository {

	/** Every agent's limits, by agent id; agents without a row have none. */
	public Map<Long, AgentLimits> all(Connection c) throws SQLException {
		Map<Long, Map<String, ConnectionLimits>> perConnection = new HashMap<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT l.agent_id, k.name, l.requests_per_minute, l.concurrent FROM connection_limits l"
				+ " JOIN connections k ON k.id = l.connection_id");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				perConnection.computeIfAbsent(rs.getLong(1), id -> new HashMap<>()).put(rs.getString(2), new ConnectionLimits(integer(rs, 3), integer(rs, 4)));
			}
		}
		Map<Long, AgentLimits> result = new HashMap<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, requests_per_minute, concurrent, daily_micro_usd, monthly_micro_usd,"
				+ " daily_tokens, models, pause_on_budget FROM agent_limits");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				long agentId = rs.getLong(1);
				result.put(agentId, new AgentLimits(integer(rs, 2), integer(rs, 3), number(rs, 4), number(rs, 5), number(rs, 6),
						AgentLimits.parseModels(rs.getString(7)), rs.getInt(8) != 0, perConnection.getOrDefault(agentId, Map.of())));
			}
		}
		perConnection.forEach((agentId, limits) -> result.putIfAbsent(agentId, new AgentLimits(null, null, null, null, null, List.of(), false, limits)));
		return result;
	}

	public AgentLimits of(Connection c, long agentId) throws SQLException {
		return all(c).getOrDefault(agentId, AgentLimits.NONE);
	}

	/**
	 * Stores {@code limits} as the agent's, replacing every limit it had.
	 *
	 * @throws AmkException not_found when a per-connection limit names a connection that does not exist
	 */
	public void put(Connection c, long agentId, AgentLimits limits) throws SQLException {
		putConnections(c, agentId, limits.connections());
		if (limits.agentWideNone()) {
			try (PreparedStatement ps = c.prepareStatement("DELETE FROM agent_limits WHERE agent_id = ?")) {
				ps.setLong(1, agentId);
				ps.executeUpdate();
			}
			return;
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO agent_limits (agent_id, requests_per_minute, concurrent,"
				+ " daily_micro_usd, monthly_micro_usd, daily_tokens, models, pause_on_budget) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
			ps.setLong(1, agentId);
			set(ps, 2, limits.requestsPerMinute());
			set(ps, 3, limits.concurrent());
			set(ps, 4, limits.dailyMicroUsd());
			set(ps, 5, limits.monthlyMicroUsd());
			set(ps, 6, limits.dailyTokens());
			ps.setString(7, limits.modelsColumn());
			ps.setInt(8, limits.pauseOnBudget() ? 1 : 0);
			ps.executeUpdate();
		}
	}

	private static void putConnections(Connection c, long agentId, Map<String, ConnectionLimits> limits) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM connection_limits WHERE agent_id = ?")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
		for (Map.Entry<String, ConnectionLimits> e : limits.entrySet()) {
			try (PreparedStatement ps = c.prepareStatement("INSERT INTO connection_limits (agent_id, connection_id, requests_per_minute, concurrent)"
					+ " SELECT ?, id, ?, ? FROM connections WHERE name = ?")) {
				ps.setLong(1, agentId);
				set(ps, 2, e.getValue().requestsPerMinute());
				set(ps, 3, e.getValue().concurrent());
				ps.setString(4, e.getKey());
				if (ps.executeUpdate() != 1) {
					throw AmkException.notFound("connection", e.getKey(), "See 'amk connection list'.");
				}
			}
		}
	}

	private static void set(PreparedStatement ps, int index, Number value) throws SQLException {
		if (value == null) {
			ps.setNull(index, Types.INTEGER);
		} else {
			ps.setLong(index, value.longValue());
		}
	}

	private static Integer integer(ResultSet rs, int column) throws SQLException {
		int v = rs.getInt(column);
		return rs.wasNull() ? null : v;
	}

	private static Long number(ResultSet rs, int column) throws SQLException {
		long v = rs.getLong(column);
		return rs.wasNull() ? null : v;
	}
}
