package dev.amk.broker;

import dev.amk.audit.AuditEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set up once for the whole process (Jetty and the keyring arrive through SLF4J's JUL
 * bridge). The broker's own log calls pass only names, paths and error types; a library's warning may quote
 * what a client sent (a Host header holding an agent key), so every line is also redacted where it is written.
 */
public final class Logging {
	/**
	 * java.util.logging holds loggers weakly: a level set on a logger nobody else references is lost at the next
	 * garbage collection, and the library's chatter comes back. Holding them here keeps the silencing in force.
	 */
	private static final List<Logger> SILENCED = new CopyOnWriteArrayList<>();

	private Logging() {
	}

	private static void silence(String name) {
		Logger logger = Logger.getLogger(name);
		logger.setLevel(Level.SEVERE);
		SILENCED.add(logger);
	}

	/** Warnings and errors to stderr, one line each; library chatter silenced. */
	public static void configureForCli() {
		LogManager.getLogManager().reset();
		Logger root = Logger.getLogger("");
		root.setLevel(Level.WARNING);
		ConsoleHandler console = new ConsoleHandler();
		console.setLevel(Level.WARNING);
		console.setFormatter(new OneLine());
		root.addHandler(console);
		SILENCED.clear();
		silence("org.eclipse.jetty");
		silence("org.freedesktop.dbus");
		silence("de.swiesend");
		// JavaFX on the class path (how jpackage and java -jar run it) warns on every start; nothing to act on.
		silence("javafx");
	}

	/** Adds a rotating log file under {@code dir} (5 × 2 MB) at INFO, for the long-running broker. */
	public static void toFile(Path dir) {
		try {
			Files.createDirectories(dir);
			FileHandler file = new FileHandler(dir.resolve("amk-%g.log").toString(), 2_000_000, 5, true);
			file.setLevel(Level.INFO);
			file.setFormatter(new OneLine());
			Logger root = Logger.getLogger("");
			root.setLevel(Level.INFO);
			root.addHandler(file);
			for (var h : root.getHandlers()) {
				if (h instanceof ConsoleHandler) {
					h.setLevel(Level.WARNING);
				}
			}
		} catch (IOException e) {
			Logger.getLogger(Logging.class.getName()).warning("Cannot write logs to " + dir + ": " + e.getMessage());
		}
	}

	private static final class OneLine extends Formatter {
		@Override
		public String format(LogRecord r) {
			String thrown = r.getThrown() == null ? "" : " (" + r.getThrown().getClass().getSimpleName() + ")";
			String line = Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel() + " " + r.getLoggerName() + ": " + formatMessage(r) + thrown + "\n";
			return AuditEvent.redact(line);
		}
	}
}
