package dev.amk.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** SQL for {@code usage_daily} in the audit database: per agent and UTC day, added to, never rewritten. */
public final class UsageStore {
	private UsageStore() {
	}

	/** One agent's use on one UTC day. */
	public record Day(long agentId, LocalDate day, long requests, long inputTokens, long outputTokens, long costMicroUsd, long estimatedRequests,
			long unpricedRequests) {
		Day plus(Day d) {
			return new Day(agentId, day, requests + d.requests, inputTokens + d.inputTokens, outputTokens + d.outputTokens,
					costMicroUsd + d.costMicroUsd, estimatedRequests + d.estimatedRequests, unpricedRequests + d.unpricedRequests);
		}

		public long totalTokens() {
			return inputTokens + outputTokens;
		}
	}

	static void add(Connection c, Day d) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_daily (agent_id, day, requests, input_tokens, output_tokens,"
				+ " cost_micro_usd, estimated_requests, unpriced_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id, day) DO UPDATE SET"
				+ " requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,"
				+ " output_tokens = output_tokens + excluded.output_tokens, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd,"
				+ " estimated_requests = estimated_requests + excluded.estimated_requests,"
				+ " unpriced_requests = unpriced_requests + excluded.unpriced_requests")) {
			ps.setLong(1, d.agentId());
			ps.setString(2, d.day().toString());
			ps.setLong(3, d.requests());
			ps.setLong(4, d.inputTokens());
			ps.setLong(5, d.outputTokens());
			ps.setLong(6, d.costMicroUsd());
			ps.setLong(7, d.estimatedRequests());
			ps.setLong(8, d.unpricedRequests());
			ps.executeUpdate();
		}
	}

	/** Every day from {@code from} on (null: all), oldest first, then by agent id. */
	public static List<Day> since(Connection c, LocalDate from) throws SQLException {
		List<Day> days = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, day, requests, input_tokens, output_tokens, cost_micro_usd,"
				+ " estimated_requests, unpriced_requests FROM usage_daily WHERE day >= ? ORDER BY day, agent_id")) {
			ps.setString(1, from == null ? "" : from.toString());
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					days.add(new Day(rs.getLong(1), LocalDate.parse(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
							rs.getLong(7), rs.getLong(8)));
				}
			}
		}
		return days;
	}
}
