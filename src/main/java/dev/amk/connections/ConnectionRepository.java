package dev.amk.connections;

import dev.amk.providers.ClientAuth;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
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
	private static final String SELECT = "SELECT c.id, c.name, c.provider, c.base_url, c.auth_kind, c.auth_name, c.auth_format,"
			+ " c.secret_ref, c.created_at, o.connection_id AS oauth_id, o.authorize_url, o.token_url, o.device_url, o.revoke_url,"
			+ " o.client_id, o.client_secret_ref, o.client_auth, o.scopes_requested, o.scopes_granted, o.identity, o.access_expires_at,"
			+ " o.status, o.status_detail FROM connections c LEFT JOIN oauth_connections o ON o.connection_id = c.id";

	public List<dev.amk.connections.Connection> all(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY c.name")) {
			return withHostMaps(c, readAll(ps));
		}
	}

	public Optional<dev.amk.connections.Connection> byName(Connection c, String name) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE c.name = ?")) {
			ps.setString(1, name);
			return withHostMaps(c, readAll(ps)).stream().findFirst();
		}
	}

	/** Replaces a connection's host maps. */
	public void replaceHostMaps(Connection c, long connectionId, List<HostMap> maps) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM host_maps WHERE connection_id = ?")) {
			ps.setLong(1, connectionId);
			ps.executeUpdate();
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO host_maps (connection_id, host, url) VALUES (?, ?, ?)")) {
			for (HostMap m : maps) {
				ps.setLong(1, connectionId);
				ps.setString(2, m.host().pattern());
				ps.setString(3, m.target().toString());
				ps.executeUpdate();
			}
		}
	}

	private static List<dev.amk.connections.Connection> withHostMaps(Connection c, List<dev.amk.connections.Connection> read) throws SQLException {
		java.util.Map<Long, List<HostMap>> maps = new java.util.HashMap<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT connection_id, host, url FROM host_maps ORDER BY connection_id, host");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				maps.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
						.add(new HostMap(new dev.amk.common.HostPattern(rs.getString(2)), HttpUrl.get(rs.getString(3))));
			}
		}
		if (maps.isEmpty()) {
			return read;
		}
		return read.stream().map(x -> maps.containsKey(x.id()) ? new dev.amk.connections.Connection(x.id(), x.name(), x.provider(), x.baseUrl(),
				x.injection(), x.secretRef(), x.createdAt(), x.oauth(), maps.get(x.id())) : x).toList();
	}

	public long insert(Connection c, String name, ProviderSpec provider, HttpUrl baseUrl, Injection injection, String secretRef, Instant now)
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

	/** The OAuth side of a connection inserted with {@link #insert}. */
	public void insertOAuth(Connection c, long connectionId, OAuthDetails oauth, Instant now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO oauth_connections (connection_id, authorize_url, token_url, device_url, revoke_url, client_id, client_secret_ref,"
						+ " client_auth, scopes_requested, scopes_granted, identity, access_expires_at, status, status_detail, updated_at)"
						+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
			ps.setLong(1, connectionId);
			ps.setString(2, text(oauth.authorizeUrl()));
			ps.setString(3, oauth.tokenUrl().toString());
			ps.setString(4, text(oauth.deviceUrl()));
			ps.setString(5, text(oauth.revokeUrl()));
			ps.setString(6, oauth.clientId());
			ps.setString(7, oauth.clientSecretRef());
			ps.setString(8, oauth.clientAuth().column());
			ps.setString(9, String.join(" ", oauth.scopesRequested()));
			ps.setString(10, oauth.scopesGranted() == null ? null : String.join(" ", oauth.scopesGranted()));
			ps.setString(11, oauth.identity());
			setInstant(ps, 12, oauth.accessExpiresAt());
			ps.setString(13, oauth.status().column());
			ps.setString(14, oauth.statusDetail());
			ps.setLong(15, now.toEpochMilli());
			ps.executeUpdate();
		}
	}

	/** Replaces a connection's OAuth row (a reconnect may change client, scopes and endpoints). */
	public void replaceOAuth(Connection c, long connectionId, OAuthDetails oauth, Instant now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM oauth_connections WHERE connection_id = ?")) {
			ps.setLong(1, connectionId);
			ps.executeUpdate();
		}
		insertOAuth(c, connectionId, oauth, now);
	}

	/** After a refresh: what the provider granted this time and until when; the connection is healthy again. */
	public void updateOAuthGrant(Connection c, long connectionId, List<String> scopesGranted, Instant accessExpiresAt, Instant now)
			throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE oauth_connections SET scopes_granted = coalesce(?, scopes_granted),"
				+ " access_expires_at = ?, status = 'connected', status_detail = NULL, updated_at = ? WHERE connection_id = ?")) {
			ps.setString(1, scopesGranted == null ? null : String.join(" ", scopesGranted));
			setInstant(ps, 2, accessExpiresAt);
			ps.setLong(3, now.toEpochMilli());
			ps.setLong(4, connectionId);
			ps.executeUpdate();
		}
	}

	public void markNeedsReconnect(Connection c, long connectionId, String detail, Instant now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE oauth_connections SET status = 'needs_reconnect', status_detail = ?,"
				+ " updated_at = ? WHERE connection_id = ? AND status <> 'needs_reconnect'")) {
			ps.setString(1, detail);
			ps.setLong(2, now.toEpochMilli());
			ps.setLong(3, connectionId);
			ps.executeUpdate();
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
						Providers.byId(rs.getString("provider")),
						HttpUrl.get(rs.getString("base_url")),
						Injection.fromColumns(rs.getString("auth_kind"), rs.getString("auth_name"), rs.getString("auth_format")),
						rs.getString("secret_ref"),
						Instant.ofEpochMilli(rs.getLong("created_at")),
						rs.getObject("oauth_id") == null ? null : readOAuth(rs)));
			}
		}
		return result;
	}

	private static OAuthDetails readOAuth(ResultSet rs) throws SQLException {
		long expires = rs.getLong("access_expires_at");
		Instant accessExpiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
		String granted = rs.getString("scopes_granted");
		return new OAuthDetails(url(rs.getString("authorize_url")), HttpUrl.get(rs.getString("token_url")), url(rs.getString("device_url")),
				url(rs.getString("revoke_url")), rs.getString("client_id"), rs.getString("client_secret_ref"),
				ClientAuth.fromColumn(rs.getString("client_auth")), scopes(rs.getString("scopes_requested")),
				granted == null ? null : scopes(granted), rs.getString("identity"), accessExpiresAt,
				OAuthDetails.Status.fromColumn(rs.getString("status")), rs.getString("status_detail"));
	}

	private static List<String> scopes(String column) {
		return column == null || column.isBlank() ? List.of() : List.of(column.strip().split("\\s+"));
	}

	private static HttpUrl url(String column) {
		return column == null ? null : HttpUrl.get(column);
	}

	private static String text(HttpUrl url) {
		return url == null ? null : url.toString();
	}

	private static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
		if (instant == null) {
			ps.setNull(index, java.sql.Types.INTEGER);
		} else {
			ps.setLong(index, instant.toEpochMilli());
		}
	}
}
