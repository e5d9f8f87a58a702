package dev.amk.db;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatabaseTest {
	@TempDir
	Path temp;

	/** The registry after every migration (V3: proxy mode's host maps and allowed hosts). */
	private static final Set<String> REGISTRY_TABLES = Set.of("agents", "connections", "grants", "oauth_connections", "host_maps", "allowed_hosts",
			"decoy_agents", "approval_rules", "agent_limits", "connection_limits");
	private static final String REGISTRY_VERSION = "8";

	private static Set<String> tables(Database db) {
		return db.read(c -> {
			Set<String> names = new TreeSet<>();
			try (Statement s = c.createStatement();
					ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
			return names;
		});
	}

	private static String pragma(Connection c, String name) throws SQLException {
		try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
			assertTrue(rs.next(), name);
			return rs.getString(1);
		}
	}

	private static int count(Database db, String sql) {
		return db.read(c -> {
			try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
				return rs.getInt(1);
			}
		});
	}

	private static long insertAgent(Connection c, String name) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO agents (name, key_hash, key_prefix, created_at, key_issued_at)"
				+ " VALUES (?, ?, 'amk_abcdef', 1, 1) RETURNING id")) {
			ps.setString(1, name);
			ps.setString(2, "hash-of-" + name);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.getLong(1);
			}
		}
	}

	private static long insertConnection(Connection c, String name) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO connections (name, provider, base_url, auth_kind, auth_name, auth_format,"
				+ " secret_ref, created_at) VALUES (?, 'openai', 'https://api.openai.com', 'header', 'Authorization', 'Bearer {secret}', ?, 1)"
				+ " RETURNING id")) {
			ps.setString(1, name);
			ps.setString(2, "ref-" + name);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.getLong(1);
			}
		}
	}

	private static void insertGrant(Connection c, long agentId, long connectionId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO grants (agent_id, connection_id, methods, paths, preset)"
				+ " VALUES (?, ?, '*', '/**', 'full')")) {
			ps.setLong(1, agentId);
			ps.setLong(2, connectionId);
			ps.executeUpdate();
		}
	}

	@Nested
	@DisplayName("openRegistry()")
	class Registry {
		@Test
		void createsTheFileTheTablesAndTheSchemaVersion() {
			Path dir = temp.resolve("home").resolve("data");
			Database db = Database.openRegistry(dir);
			assertEquals(dir.resolve("amk.db"), db.file());
			assertTrue(Files.isRegularFile(dir.resolve("amk.db")));
			assertEquals(REGISTRY_TABLES, tables(db));
			assertEquals(REGISTRY_VERSION, db.read(c -> pragma(c, "user_version")));
		}

		@Test
		@DisplayName("A registry written by the first release upgrades in place, data kept, and OAuth rows go with their connection")
		void upgradesAVersionOneRegistry() throws Exception {
			Path dir = temp.resolve("v1");
			Files.createDirectories(dir);
			String v1 = new String(Database.class.getResourceAsStream("/db/registry/V1__registry.sql").readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)--.*$", "");
			try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("amk.db")); Statement s = c.createStatement()) {
				for (String statement : v1.split(";")) {
					if (!statement.isBlank()) {
						s.executeUpdate(statement);
					}
				}
				s.executeUpdate("PRAGMA user_version = 1");
				insertConnection(c, "openai");
			}
			Database db = Database.openRegistry(dir);
			assertEquals(REGISTRY_VERSION, db.read(c -> pragma(c, "user_version")));
			assertEquals(1, count(db, "SELECT count(*) FROM connections WHERE name = 'openai'"));
			db.inTransaction(c -> {
				try (Statement s = c.createStatement()) {
					s.executeUpdate("INSERT INTO oauth_connections (connection_id, token_url, client_id, client_auth, scopes_requested, status,"
							+ " updated_at) SELECT id, 'https://example.com/token', 'id', 'post', '', 'connected', 1 FROM connections");
					return s.executeUpdate("DELETE FROM connections");
				}
			});
			assertEquals(0, count(db, "SELECT count(*) FROM oauth_connections"));
		}

		@Test
		void reopeningIsIdempotentAndKeepsTheData() {
			Path dir = temp.resolve("data");
			Database first = Database.openRegistry(dir);
			first.inTransaction(c -> insertAgent(c, "bot"));
			for (int i = 0; i < 3; i++) {
				Database again = Database.openRegistry(dir);
				assertEquals(REGISTRY_TABLES, tables(again));
				assertEquals(REGISTRY_VERSION, again.read(c -> pragma(c, "user_version")));
				assertEquals(1, count(again, "SELECT count(*) FROM agents WHERE name = 'bot'"));
			}
		}

		@Test
		void connectionsUseWalAndForeignKeys() {
			Database db = Database.openRegistry(temp.resolve("data"));
			for (Database.Durability d : Database.Durability.values()) {
				try (Connection c = db.connect(d)) {
					assertEquals("wal", pragma(c, "journal_mode").toLowerCase(java.util.Locale.ROOT), d.name());
					assertEquals("1", pragma(c, "foreign_keys"), d.name());
				} catch (SQLException e) {
					throw new AssertionError(e);
				}
			}
		}

		@Test
		void durabilityChoosesTheSynchronousMode() throws SQLException {
			Database db = Database.openRegistry(temp.resolve("data"));
			try (Connection full = db.connect(Database.Durability.FULL); Connection normal = db.connect(Database.Durability.NORMAL)) {
				assertEquals("2", pragma(full, "synchronous"));
				assertEquals("1", pragma(normal, "synchronous"));
			}
		}

		@Test
		void deletingAnAgentDeletesItsGrants() {
			Database db = Database.openRegistry(temp.resolve("data"));
			long[] ids = db.inTransaction(c -> {
				long a = insertAgent(c, "a");
				long b = insertAgent(c, "b");
				long openai = insertConnection(c, "openai");
				long github = insertConnection(c, "github");
				insertGrant(c, a, openai);
				insertGrant(c, a, github);
				insertGrant(c, b, openai);
				return new long[] {a, b};
			});
			assertEquals(3, count(db, "SELECT count(*) FROM grants"));
			db.inTransaction(c -> {
				try (Statement s = c.createStatement()) {
					return s.executeUpdate("DELETE FROM agents WHERE id = " + ids[0]);
				}
			});
			assertEquals(0, count(db, "SELECT count(*) FROM grants WHERE agent_id = " + ids[0]));
			assertEquals(1, count(db, "SELECT count(*) FROM grants WHERE agent_id = " + ids[1]));
		}

		@Test
		void deletingAConnectionDeletesItsGrants() {
			Database db = Database.openRegistry(temp.resolve("data"));
			db.inTransaction(c -> {
				long a = insertAgent(c, "a");
				long conn = insertConnection(c, "openai");
				insertGrant(c, a, conn);
				try (Statement s = c.createStatement()) {
					s.executeUpdate("DELETE FROM connections WHERE id = " + conn);
				}
				return null;
			});
			assertEquals(0, count(db, "SELECT count(*) FROM grants"));
			assertEquals(1, count(db, "SELECT count(*) FROM agents"));
		}

		@Test
		void aGrantForAMissingAgentIsRefusedAndRolledBack() {
			Database db = Database.openRegistry(temp.resolve("data"));
			AmkException e = assertThrows(AmkException.class, () -> db.inTransaction(c -> {
				long conn = insertConnection(c, "openai");
				insertGrant(c, 999, conn);
				return null;
			}));
			assertEquals("database_error", e.type());
			assertEquals(0, count(db, "SELECT count(*) FROM connections"), "the whole transaction is rolled back");
		}

		@Test
		void agentIdsAreNeverReused() {
			Database db = Database.openRegistry(temp.resolve("data"));
			long first = db.inTransaction(c -> insertAgent(c, "a"));
			db.inTransaction(c -> {
				try (Statement s = c.createStatement()) {
					return s.executeUpdate("DELETE FROM agents");
				}
			});
			long second = db.inTransaction(c -> insertAgent(c, "b"));
			assertTrue(second > first, first + " then " + second);
		}

		@Test
		void aNewerSchemaIsRefused() {
			Path dir = temp.resolve("data");
			Database db = Database.openRegistry(dir);
			db.inTransaction(c -> {
				try (Statement s = c.createStatement()) {
					return s.executeUpdate("PRAGMA user_version = 99");
				}
			});
			AmkException e = assertThrows(AmkException.class, () -> Database.openRegistry(dir));
			assertEquals("database_too_new", e.type());
		}

		@Test
		void theFolderAndTheFileArePrivate() throws Exception {
			assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
			Path dir = temp.resolve("data");
			Database.openRegistry(dir);
			assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
			assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("amk.db"))));
		}

		@Test
		void anExistingOpenFolderIsMadePrivate() throws Exception {
			assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
			Path dir = Files.createDirectories(temp.resolve("open"));
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
			Database.openRegistry(dir);
			assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
		}

		@Test
		void anUnusableFolderIsReported() throws Exception {
			Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
			AmkException e = assertThrows(AmkException.class, () -> Database.openRegistry(file.resolve("data")));
			assertEquals("data_folder_unusable", e.type());
		}
	}

	@Nested
	@DisplayName("openAudit()")
	class Audit {
		@Test
		void createsAuditDbWithItsTables() {
			Path dir = temp.resolve("data");
			Database db = Database.openAudit(dir);
			assertEquals(dir.resolve("audit.db"), db.file());
			assertTrue(Files.isRegularFile(dir.resolve("audit.db")));
			assertEquals(Set.of("agent_usage", "audit", "audit_journal", "usage_daily"), tables(db));
			assertEquals("4", db.read(c -> pragma(c, "user_version")));
		}

		@Test
		void registryAndAuditShareTheFolderButNotTheFile() {
			Path dir = temp.resolve("data");
			Database registry = Database.openRegistry(dir);
			Database audit = Database.openAudit(dir);
			assertEquals(REGISTRY_TABLES, tables(registry));
			assertEquals(Set.of("agent_usage", "audit", "audit_journal", "usage_daily"), tables(audit));
			assertEquals(Set.of("agent_usage", "audit", "audit_journal", "usage_daily"), tables(Database.openAudit(dir)));
		}

		@Test
		void theAuditFileIsPrivate() throws Exception {
			assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
			Path dir = temp.resolve("data");
			Database.openAudit(dir);
			assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.db"))));
		}
	}
}
