package dev.amk.agents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/** SQL for {@code agent_limits}: one row per agent that has any limit. */
public final class AgentLimitsRepository {

	/** Every agent's limits, by agent id; agents without a row have none. */
	public Map<Long, AgentLimits> all(Connection c) throws SQLException {
		Map<Long, AgentLimits> result = new HashMap<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, requests_per_minute, concurrent, daily_micro_usd, monthly_micro_usd,"
				+ " daily_tokens, models, pause_on_budget FROM agent_limits");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.put(rs.getLong(1), new AgentLimits(integer(rs, 2), integer(rs, 3), number(rs, 4), number(rs, 5), number(rs, 6),
						AgentLimits.parseModels(rs.getString(7)), rs.getInt(8) != 0));
			}
		}
		return result;
	}

	public AgentLimits of(Connection c, long agentId) throws SQLException {
		return all(c).getOrDefault(agentId, AgentLimits.NONE);
	}

	public void put(Connection c, long agentId, AgentLimits limits) throws SQLException {
		if (limits.isNone()) {
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
