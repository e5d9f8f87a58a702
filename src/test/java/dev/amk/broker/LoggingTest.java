package dev.amk.broker;

import dev.amk.agents.AgentKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoggingTest {
	@AfterEach
	void restore() throws Exception {
		LogManager.getLogManager().readConfiguration();
	}

	@Test
	@DisplayName("library loggers stay silenced after a garbage collection (java.util.logging holds loggers weakly)")
	void silencingSurvivesGc() {
		Logging.configureForCli();
		WeakReference<Object> sentinel = new WeakReference<>(new Object());
		while (sentinel.get() != null) {
			System.gc();
		}
		System.gc();
		assertEquals(Level.SEVERE, Logger.getLogger("org.eclipse.jetty").getLevel());
	}

	@Test
	@DisplayName("an agent key in any log line (a library quoting a Host header) is redacted at the sink")
	void keysRedactedAtSink() {
		Logging.configureForCli();
		String key = AgentKey.generate();
		Handler console = Logger.getLogger("").getHandlers()[0];
		LogRecord record = new LogRecord(Level.WARNING, "Bad Host {0} from client");
		record.setParameters(new Object[] {key + ":9323"});
		record.setLoggerName("org.eclipse.jetty.http.HttpParser");
		String line = console.getFormatter().format(record);
		assertFalse(line.contains(key.substring(4)), line);
		assertTrue(line.contains("amk_[redacted]"), line);
	}
}
