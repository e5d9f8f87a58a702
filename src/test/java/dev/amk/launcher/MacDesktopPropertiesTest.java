package dev.amk.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacDesktopPropertiesTest {
	private static final String MAC = "Mac OS X";

	@Test
	@DisplayName("the app on macOS in a login session: a UI element for glass and AWT, template tray images")
	void macApp() {
		assertEquals(Map.of("apple.awt.UIElement", "true", "glass.taskbarApplication", "false", "apple.awt.enableTemplateImages", "true"),
				MacDesktopProperties.forLaunch("app", MAC, Map.of(), () -> "Aqua"));
	}

	@Test
	@DisplayName("the app on macOS over SSH (no window-server session) runs headless, as amk serve")
	void macAppOverSsh() {
		assertEquals("true", MacDesktopProperties.forLaunch("app", MAC, Map.of("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22"), () -> "Background")
				.get("java.awt.headless"));
		assertEquals("true", MacDesktopProperties.forLaunch("app", MAC, Map.of("SSH_TTY", "/dev/ttys001"), () -> null).get("java.awt.headless"),
				"launchctl unanswered: SSH decides");
		assertFalse(MacDesktopProperties.forLaunch("app", MAC, Map.of("SSH_CONNECTION", "x"), () -> "Aqua").containsKey("java.awt.headless"),
				"launchd says Aqua: the person's own session, even with SSH variables inherited");
		assertFalse(MacDesktopProperties.forLaunch("app", MAC, Map.of(), () -> null).containsKey("java.awt.headless"));
	}

	@Test
	@DisplayName("CLI commands on macOS get no Dock icon should AWT load; nothing else changes")
	void macCli() {
		assertEquals(Map.of("apple.awt.UIElement", "true"), MacDesktopProperties.forLaunch("connection", MAC, Map.of(), () -> {
			throw new AssertionError("launchctl is asked only for the app");
		}));
	}

	@Test
	@DisplayName("on Linux only the app's old UIElement property is set (it has no effect there)")
	void linux() {
		assertEquals(Map.of("apple.awt.UIElement", "true"), MacDesktopProperties.forLaunch("app", "Linux", Map.of(), () -> null));
		assertEquals(Map.of(), MacDesktopProperties.forLaunch("serve", "Linux", Map.of(), () -> null));
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	@DisplayName("Main sets the properties before the first AWT or JavaFX class loads")
	void beforeAnyToolkit(@TempDir Path home) throws Exception {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xlog:class+load=info:stdout",
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main", "app", "--port", "0", "--json"));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
		pb.environment().remove("DISPLAY"); // the app then asks AWT whether it is headless, and runs as 'amk serve'
		pb.environment().remove("WAYLAND_DISPLAY");
		pb.environment().put("AMK_HOME", home.toString());
		Process p = pb.start();
		List<String> loaded = new ArrayList<>();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				int at = line.indexOf("[class,load] ");
				if (at >= 0) {
					String name = line.substring(at + "[class,load] ".length()).split(" ")[0];
					loaded.add(name);
					if (name.startsWith("java.awt.")) {
						break; // the first toolkit class: enough seen
					}
				}
			}
		} finally {
			p.destroy();
			assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		}
		int properties = loaded.indexOf(MacDesktopProperties.class.getName());
		int firstToolkit = indexOfFirst(loaded, "java.awt.", "javafx.", "com.sun.glass.", "sun.awt.", "sun.lwawt.");
		assertTrue(properties >= 0, "MacDesktopProperties never loaded");
		assertTrue(firstToolkit > properties, "a toolkit class loaded first: " + (firstToolkit < 0 ? "none at all" : loaded.get(firstToolkit)));
	}

	private static int indexOfFirst(List<String> classes, String... prefixes) {
		for (int i = 0; i < classes.size(); i++) {
			for (String prefix : prefixes) {
				if (classes.get(i).startsWith(prefix)) {
					return i;
				}
			}
		}
		return -1;
	}
}
