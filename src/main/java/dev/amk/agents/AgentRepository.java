package dev.amk.agents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code agents} and {@code grants}. */
public final class AgentRepository {

	/** An agent row with the hash of its current key, for building the proxy's look-up table. */
	public record KeyedAgent(Agent agent, String keyHash) {
	}

	public List<KeyedAgent> allWithKeys(Connection c) throws SQLException {
		Map<Long, List<Grant>> grants = grantsByAgent(c);
		List<KeyedAgent> result = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT id, name, key_hash, key_prefix, created_at, key_issued_at, revoked_at, expires_at FROM agents ORDER BY name");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				long id = rs.getLong("id");
				Agent agent = new Agent(id, rs.getString("name"), rs.getString("key_prefix"), instant(rs, "created_at"),
						instant(rs, "key_issued_at"), instant(rs, "revoked_at"), instant(rs, "expires_at"), null,
						grants.getOrDefault(id, List.of()));
				result.add(new KeyedAgent(agent, rs.getString("key_hash")));
			}
		}
		return result;
	}

	public List<Agent> all(Connection c) throws SQLException {
		return allWithKeys(c).stream().map(KeyedAgent::agent).toList();
	}

	public Optional<Agent> byName(Connection c, String name) throws SQLException {
		return all(c).stream().filter(a -> a.name().equals(name)).findFirst();
	}

	public long insert(Connection c, String name, String keyHash, String keyPrefix, Instant now, Instant expiresAt) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO agents (name, key_hash, key_prefix, created_at, key_issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
			ps.setString(1, name);
			ps.setString(2, keyHash);
			ps.setString(3, keyPrefix);
			ps.setLong(4, now.toEpochMilli());
			ps.setLong(5, now.toEpochMilli());
			setInstant(ps, 6, expiresAt);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	public void insertGrant(Connection c, long agentId, long connectionId, GrantRule rule) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO grants (agent_id, connection_id, methods, paths, preset, tools) VALUES (?, ?, ?, ?, ?, ?)"
						+ " ON CONFLICT (agent_id, connection_id) DO UPDATE SET methods = excluded.methods, paths = excluded.paths, preset = excluded.preset,"
						+ " tools = excluded.tools")) {
			ps.setLong(1, agentId);
			ps.setLong(2, connectionId);
			ps.setString(3, rule.methodsColumn());
			ps.setString(4, rule.pathsColumn());
			ps.setString(5, rule.preset().id());
			ps.setString(6, rule.toolsColumn());
			ps.executeUpdate();
		}
	}

	public void deleteGrants(Connection c, long agentId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM grants WHERE agent_id = ?")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
	}

	public void setRevoked(Connection c, long agentId, Instant revokedAt) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET revoked_at = ? WHERE id = ?")) {
			setInstant(ps, 1, revokedAt);
			ps.setLong(2, agentId);
			ps.executeUpdate();
		}
	}

	public void setKey(Connection c, long agentId, String keyHash, String keyPrefix, Instant issuedAt) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET key_hash = ?, key_prefix = ?, key_issued_at = ? WHERE id = ?")) {
			ps.setString(1, keyHash);
			ps.setString(2, keyPrefix);
			ps.setLong(3, issuedAt.toEpochMilli());
			ps.setLong(4, agentId);
			ps.executeUpdate();
		}
	}

	public void setExpiry(Connection c, long agentId, Instant expiresAt) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET expires_at = ? WHERE id = ?")) {
			setInstant(ps, 1, expiresAt);
			ps.setLong(2, agentId);
			ps.executeUpdate();
		}
	}

	public void delete(Connection c, long agentId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE id = ?")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
	}

	private static Map<Long, List<Grant>> grantsByAgent(Connection c) throws SQLException {
		Map<Long, List<Grant>> result = new LinkedHashMap<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT g.agent_id, n.name, g.methods, g.paths, g.preset, g.tools FROM grants g JOIN connections n ON n.id = g.connection_id ORDER BY n.name");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
						.add(new Grant(rs.getString(2), GrantRule.fromColumns(rs.getString(5), rs.getString(3), rs.getString(4), rs.getString(6))));
			}
		}
		return result;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		long v = rs.getLong(column);
		return rs.wasNull() ? null : Instant.ofEpochMilli(v);
	}

	private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
		if (value == null) {
			ps.setNull(index, Types.INTEGER);
		} else {
			ps.setLong(index, value.toEpochMilli());
		}
	}
}
