package dev.amk.connections;

import okhttp3.HttpUrl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code connections} table. Methods take the JDBC connection so callers choose the transaction. */
public final class ConnectionRepository {
	private static final String COLUMNS = "id, name, provider, base_url, auth_kind, auth_name, auth_format, secret_ref, created_at";

	public List<dev.amk.connections.Connection> all(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM connections ORDER BY name")) {
			return readAll(ps);
		}
	}

	public Optional<dev.amk.connections.Connection> byName(Connection c, String name) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM connections WHERE name = ?")) {
			ps.setString(1, name);
			return readAll(ps).stream().findFirst();
		}
	}

	public long insert(Connection c, String name, Provider provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant now)
			throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO connections (name, provider, base_url, auth_kind, auth_name, auth_format, secret_ref, created_at)"
						+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
			ps.setString(1, name);
			ps.setString(2, provider.id());
			ps.setString(3, baseUrl.toString());
			ps.setString(4, injection.kind());
			ps.setString(5, Injection.nameColumn(injection));
			ps.setString(6, Injection.formatColumn(injection));
			ps.setString(7, secretRef);
			ps.setLong(8, now.toEpochMilli());
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	public void updateSecretRef(Connection c, long id, String secretRef) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE connections SET secret_ref = ? WHERE id = ?")) {
			ps.setString(1, secretRef);
			ps.setLong(2, id);
			ps.executeUpdate();
		}
	}

	public void delete(Connection c, long id) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM connections WHERE id = ?")) {
			ps.setLong(1, id);
			ps.executeUpdate();
		}
	}

	/** Names of the agents holding a grant on the connection, sorted. */
	public List<String> agentsUsing(Connection c, long connectionId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT a.name FROM grants g JOIN agents a ON a.id = g.agent_id WHERE g.connection_id = ? ORDER BY a.name")) {
			ps.setLong(1, connectionId);
			List<String> names = new ArrayList<>();
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
			return names;
		}
	}

	private static List<dev.amk.connections.Connection> readAll(PreparedStatement ps) throws SQLException {
		List<dev.amk.connections.Connection> result = new ArrayList<>();
		try (ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				result.add(new dev.amk.connections.Connection(
						rs.getLong("id"),
						rs.getString("name"),
						Provider.fromId(rs.getString("provider")),
						HttpUrl.get(rs.getString("base_url")),
						Injection.fromColumns(rs.getString("auth_kind"), rs.getString("auth_name"), rs.getString("auth_format")),
						rs.getString("secret_ref"),
						Instant.ofEpochMilli(rs.getLong("created_at"))));
			}
		}
		return result;
	}
}
