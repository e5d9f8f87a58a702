package dev.amk.login;

import java.nio.file.Files;
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

	/**
	 * Rewrites an existing entry so that it starts {@code command}, where this OS allows it (macOS: only an app in
	 * /Applications or ~/Applications, never the mounted .dmg or a translocated copy).
	 *
	 * @return true if it was rewritten; false if there is no entry or it already starts {@code command}
	 */
	boolean update(List<String> command);

	/** The installed app's main launcher, as jpackage names it ({@code --name} in jpackage.cfg). */
	String APP_LAUNCHER = "Agent Master Key";
	/** The installed CLI launcher beside it ({@code --add-launcher amk=…} in jpackage.cfg). */
	String CLI_LAUNCHER = "amk";

	/** The implementation for this OS; null where none exists yet (Windows). */
	static LoginItem forCurrentOs(Path home, Map<String, String> env) {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (os.contains("mac")) {
			return new MacLaunchAgent(home);
		}
		if (os.contains("linux")) {
			String xdg = env.get("XDG_CONFIG_HOME");
			return new XdgAutostart((xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve("autostart"));
		}
		return null;
	}

	/**
	 * How this running app would start itself again: the installed app's launcher when it runs from a package
	 * (jpackage sets {@code jpackage.app-path}), else this JVM running the same jar with the {@code app} command.
	 */
	static List<String> relaunchCommand() {
		List<String> packaged = packagedCommand(System.getProperty("jpackage.app-path"));
		if (packaged != null) {
			return packaged;
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

	/**
	 * The command that starts the installed menu-bar app, given jpackage's {@code jpackage.app-path} (the
	 * launcher this process was started through); null when not running from a package. When this process is
	 * the {@code amk} CLI launcher ({@code amk app} from a terminal), it is still the app's own launcher beside
	 * it, so the login item starts the app as its menu entry does, with the app's JVM options.
	 */
	static List<String> packagedCommand(String appPath) {
		if (appPath == null || appPath.isBlank()) {
			return null;
		}
		Path launcher = Path.of(appPath);
		String name = launcher.getFileName().toString();
		String exe = name.endsWith(".exe") ? ".exe" : "";
		if (name.equals(CLI_LAUNCHER + exe)) {
			Path app = launcher.resolveSibling(APP_LAUNCHER + exe);
			return Files.isExecutable(app) ? List.of(app.toString()) : List.of(launcher.toString(), "app");
		}
		return List.of(launcher.toString());
	}

	/**
	 * Run when the app starts: if it runs from an installed package and launch at login is on, the entry is
	 * made to start this installation. It may still name where the app was before (moved to another folder,
	 * reinstalled elsewhere) or a source checkout it was first switched on from. Outside a package nothing
	 * changes, so a checkout or a test run never takes over the installed app's entry; on macOS nor does an app
	 * run from the .dmg, from App Translocation or from the build folder (AOT training), whose paths vanish.
	 *
	 * @return true if the entry was rewritten
	 */
	static boolean pointAtInstalledApp(LoginItem item, String appPath) {
		List<String> command = packagedCommand(appPath);
		return item != null && command != null && item.update(command);
	}
}
