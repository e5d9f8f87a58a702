package dev.amk.login;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starting the app when the user logs in: a LaunchAgent on macOS, an XDG autostart entry on Linux. Both
 * are plain files in the user's home that the OS reads at login, so enabling and disabling never needs
 * privileges, and removing the file is the whole undo.
 */
public interface LoginItem {
	/** Registers {@code command} (the program and its arguments) to run at login. */
	void enable(List<String> command);

	void disable();

	boolean isEnabled();

	/** Where the entry lives, to tell the user. */
	Path location();

	/** The implementation for this OS; null where none exists yet (Windows). */
	static LoginItem forCurrentOs(Path home, Map<String, String> env) {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (os.contains("mac")) {
			return new MacLaunchAgent(home.resolve("Library/LaunchAgents"));
		}
		if (os.contains("linux")) {
			String xdg = env.get("XDG_CONFIG_HOME");
			return new XdgAutostart((xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve("autostart"));
		}
		return null;
	}

	/**
	 * How this running app would start itself again: the packaged launcher when there is one (jpackage sets
	 * {@code jpackage.app-path}), else this JVM running the same jar with the {@code app} command.
	 */
	static List<String> relaunchCommand() {
		String packaged = System.getProperty("jpackage.app-path");
		if (packaged != null) {
			return List.of(packaged);
		}
		String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		String jar;
		try {
			jar = Path.of(LoginItem.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		} catch (Exception e) {
			throw new IllegalStateException("cannot locate the application jar", e);
		}
		return List.of(java, "--enable-native-access=ALL-UNNAMED", "-jar", jar, "app");
	}
}
