package dev.amk.settings;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
	@TempDir
	Path dir;

	@Test
	@DisplayName("defaults when there is no file; what is saved loads back")
	void roundTrip() throws Exception {
		assertEquals(Settings.DEFAULTS, Settings.load(dir));
		Settings changed = Settings.DEFAULTS.withPort(9400).withLaunchAtLogin(true).withNotifyOnDenied(false);
		changed.save(dir);
		assertEquals(changed, Settings.load(dir));
		try (var files = Files.list(dir)) {
			assertEquals(1, files.count(), "no temp file is left behind");
		}
	}

	@Test
	@DisplayName("a damaged file is reported with what to do, not silently replaced")
	void damaged() throws Exception {
		Files.writeString(dir.resolve("settings.properties"), "port=ninety\n");
		AmkException e = assertThrows(AmkException.class, () -> Settings.load(dir));
		assertTrue(e.getMessage().contains("Fix or delete the file"), e.getMessage());
		assertThrows(AmkException.class, () -> Settings.DEFAULTS.withPort(70000));
	}
}
