package dev.amk.agents;

import dev.amk.common.HostPattern;

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
		Map<Long, List<HostPattern>> allowed = allowedHostsByAgent(c);
		List<KeyedAgent> result = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT id, name, key_hash, key_prefix, created_at, key_issued_at, revoked_at, expires_at, parent_id FROM agents ORDER BY name");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				long id = rs.getLong("id");
				Agent agent = new Agent(id, rs.getString("name"), rs.getString("key_prefix"), instant(rs, "created_at"),
						instant(rs, "key_issued_at"), instant(rs, "revoked_at"), instant(rs, "expires_at"), null,
						grants.getOrDefault(id, List.of()), allowed.getOrDefault(id, List.of()), parent(rs));
				result.add(new KeyedAgent(agent, rs.getString("key_hash")));
			}
		}
		return result;
	}

	/** The ids of decoy agents: keys made never to be used. */
	public java.util.Set<Long> decoyIds(Connection c) throws SQLException {
		java.util.Set<Long> ids = new java.util.HashSet<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT agent_id FROM decoy_agents"); ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				ids.add(rs.getLong(1));
			}
		}
		return ids;
	}

	public void markDecoy(Connection c, long agentId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO decoy_agents (agent_id) VALUES (?)")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
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
		if (rule.preset() == GrantRule.Preset.ASK) {
			try (PreparedStatement ps = c.prepareStatement("INSERT INTO approval_rules (agent_id, connection_id, methods, paths) VALUES (?, ?, ?, ?)")) {
				ps.setLong(1, agentId);
				ps.setLong(2, connectionId);
				ps.setString(3, rule.methodsColumn());
				ps.setString(4, rule.pathsColumn());
				ps.executeUpdate();
			}
			return;
		}
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO grants (agent_id, connection_id, methods, paths, preset, session_policy, services, tools) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
						+ " ON CONFLICT (agent_id, connection_id) DO UPDATE SET methods = excluded.methods, paths = excluded.paths, preset = excluded.preset,"
						+ " session_policy = excluded.session_policy, services = excluded.services, tools = excluded.tools")) {
			ps.setLong(1, agentId);
			ps.setLong(2, connectionId);
			ps.setString(3, rule.methodsColumn());
			ps.setString(4, rule.pathsColumn());
			ps.setString(5, rule.preset().id());
			ps.setString(6, rule.sessionPolicyColumn());
			ps.setString(7, rule.servicesColumn());
			ps.setString(8, rule.toolsColumn());
			ps.executeUpdate();
		}
	}

	public void deleteGrants(Connection c, long agentId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM grants WHERE agent_id = ?")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM approval_rules WHERE agent_id = ?")) {
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

	/** Replaces an agent's allowed hosts. */
	public void replaceAllowedHosts(Connection c, long agentId, List<HostPattern> hosts) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM allowed_hosts WHERE agent_id = ?")) {
			ps.setLong(1, agentId);
			ps.executeUpdate();
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO allowed_hosts (agent_id, pattern) VALUES (?, ?)")) {
			for (HostPattern h : hosts) {
				ps.setLong(1, agentId);
				ps.setString(2, h.pattern());
				ps.executeUpdate();
			}
		}
	}

	public void setParent(Connection c, long agentId, long parentId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET parent_id = ? WHERE id = ?")) {
			ps.setLong(1, parentId);
			ps.setLong(2, agentId);
			ps.executeUpdate();
		}
	}

	/** Children of any agent whose lease ended before {@code before}: what a killed {@code amk run} left behind. */
	public int deleteLapsedChildren(Connection c, Instant before) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE parent_id IS NOT NULL AND expires_at IS NOT NULL AND expires_at < ?")) {
			ps.setLong(1, before.toEpochMilli());
			return ps.executeUpdate();
		}
	}

	/** Revokes (or enables) an agent's children with it. */
	public void setChildrenRevoked(Connection c, long parentId, Instant revokedAt) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET revoked_at = ? WHERE parent_id = ?")) {
			setInstant(ps, 1, revokedAt);
			ps.setLong(2, parentId);
			ps.executeUpdate();
		}
	}

	private static Long parent(ResultSet rs) throws SQLException {
		long v = rs.getLong("parent_id");
		return rs.wasNull() ? null : v;
	}

	private static Map<Long, List<HostPattern>> allowedHostsByAgent(Connection c) throws SQLException {
		Map<Long, List<HostPattern>> result = new LinkedHashMap<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, pattern FROM allowed_hosts ORDER BY pattern");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new HostPattern(rs.getString(2)));
			}
		}
		return result;
	}

	private static Map<Long, List<Grant>> grantsByAgent(Connection c) throws SQLException {
		Map<Long, List<Grant>> result = new LinkedHashMap<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT g.agent_id, n.name, g.methods, g.paths, g.preset, g.session_policy, g.services, g.tools FROM grants g JOIN connections n ON n.id = g.connection_id ORDER BY n.name");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
						.add(new Grant(rs.getString(2), GrantRule.fromColumns(rs.getString(5), rs.getString(3), rs.getString(4),
								rs.getString(6), rs.getString(7), rs.getString(8))));
			}
		}
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT a.agent_id, n.name, a.methods, a.paths FROM approval_rules a JOIN connections n ON n.id = a.connection_id ORDER BY n.name, a.rowid");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
						.add(new Grant(rs.getString(2), GrantRule.fromColumns("ask", rs.getString(3), rs.getString(4))));
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
