package dev.amk.db;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The registry database: one SQLite file in the data folder, in WAL mode with foreign keys on.
 *
 * <p>Every process (the broker, each CLI call) opens its own connections; SQLite's locking keeps them
 * consistent, and the broker notices other processes' commits through {@code PRAGMA data_version}.
 * Configuration writes use {@code synchronous=FULL}, so a change the CLI reported as done is on disk
 * before the CLI exits, even if the machine loses power a moment later.
 */
public final class Database {

	public enum Durability {
		/** fsync on every commit: configuration (connections, agents, grants). */
		FULL,
		/** WAL with fsync at checkpoints: the audit log, which is written in batches. */
		NORMAL
	}

	private final Path file;
	private final String migrationFolder;
	/** Ordered schema migrations; {@code PRAGMA user_version} records how many have been applied. */
	private final List<String> migrations;

	private Database(Path file, String migrationFolder, List<String> migrations) {
		this.file = file;
		this.migrationFolder = migrationFolder;
		this.migrations = migrations;
	}

	/** The registry ({@code amk.db}): connections, agents, grants. */
	public static Database openRegistry(Path dataDir) {
		return open(dataDir, "amk.db", "registry", List.of("V1__registry.sql", "V2__oauth.sql", "V3__proxy_mode.sql", "V4__agent_limits.sql",
				"V5__approvals_decoys.sql", "V6__mcp.sql", "V7__cloud.sql", "V8__connection_limits.sql"));
	}

	/** The audit log ({@code audit.db}), kept apart so that its writes never look like configuration changes. */
	public static Database openAudit(Path dataDir) {
		return open(dataDir, "audit.db", "audit", List.of("V1__audit.sql", "V2__usage.sql", "V3__mcp_audit.sql", "V4__audit_journal.sql"));
	}

	private static Database open(Path dataDir, String fileName, String migrationFolder, List<String> migrations) {
		try {
			createPrivateDirectory(dataDir);
		} catch (IOException e) {
			throw new AmkException(ErrorType.DATA_FOLDER_UNUSABLE, "Cannot create the data folder " + dataDir + ": " + e.getMessage()
					+ ". Check its permissions, or point AMK_HOME at a folder you can write.", e);
		}
		Database db = new Database(dataDir.resolve(fileName), migrationFolder, migrations);
		db.migrate();
		return db;
	}

	public Path file() {
		return file;
	}

	public Connection connect(Durability durability) {
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.enforceForeignKeys(true);
		config.setBusyTimeout(10_000);
		config.setSynchronous(durability == Durability.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
		try {
			Connection c = config.createConnection("jdbc:sqlite:" + file);
			restrictToOwner(file);
			return c;
		} catch (SQLException e) {
			throw new AmkException(ErrorType.DATABASE_UNUSABLE, "Cannot open the database " + file + ": " + e.getMessage()
					+ ". If another program holds it, close that program; if it is damaged, move it aside and start again.", e);
		}
	}

	/** Runs {@code work} in one transaction on a fresh FULL-durability connection. */
	public <T> T inTransaction(SqlWork<T> work) {
		try (Connection c = connect(Durability.FULL)) {
			c.setAutoCommit(false);
			try {
				T result = work.apply(c);
				c.commit();
				return result;
			} catch (SQLException | RuntimeException e) {
				c.rollback();
				throw e;
			}
		} catch (SQLException e) {
			throw new AmkException(ErrorType.DATABASE_ERROR, "The database refused the change: " + e.getMessage(), e);
		}
	}

	/** Runs {@code work} on a fresh connection without an explicit transaction (reads). */
	public <T> T read(SqlWork<T> work) {
		try (Connection c = connect(Durability.FULL)) {
			return work.apply(c);
		} catch (SQLException e) {
			throw new AmkException(ErrorType.DATABASE_ERROR, "Reading the database failed: " + e.getMessage(), e);
		}
	}

	@FunctionalInterface
	public interface SqlWork<T> {
		T apply(Connection connection) throws SQLException;
	}

	private void migrate() {
		inTransaction(c -> {
			int current;
			try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
				current = rs.getInt(1);
			}
			if (current > migrations.size()) {
				throw new AmkException(ErrorType.DATABASE_TOO_NEW, "The database " + file + " was written by a newer Agent Master Key (schema "
						+ current + "). Update this installation to use it.");
			}
			for (int v = current; v < migrations.size(); v++) {
				for (String statement : statements(migrations.get(v))) {
					try (Statement s = c.createStatement()) {
						s.executeUpdate(statement);
					}
				}
				try (Statement s = c.createStatement()) {
					s.executeUpdate("PRAGMA user_version = " + (v + 1));
				}
			}
			return null;
		});
	}

	private List<String> statements(String resource) {
		try (InputStream in = Database.class.getResourceAsStream("/db/" + migrationFolder + "/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("missing migration " + resource);
			}
			String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			return java.util.Arrays.stream(sql.split(";\\s*(\\r?\\n|$)"))
					.map(s -> s.replaceAll("(?m)^\\s*--.*$", "").strip())
					.filter(s -> !s.isEmpty())
					.toList();
		} catch (IOException e) {
			throw new IllegalStateException("unreadable migration " + resource, e);
		}
	}

	private static void createPrivateDirectory(Path dir) throws IOException {
		Files.createDirectories(dir);
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
		}
	}

	private static void restrictToOwner(Path file) {
		if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			return;
		}
		try {
			if (Files.exists(file)) {
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			}
		} catch (IOException | UnsupportedOperationException ignored) {
			// The folder is already private (0700); the file mode is defence in depth.
		}
	}
}
