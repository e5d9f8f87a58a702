package dev.amk.broker;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where Agent Master Key keeps its database, logs and settings (contract: "Data and secrets"). */
public final class AmkHome {
	private AmkHome() {
	}

	public static Path resolve(Map<String, String> env) {
		String explicit = env.get("AMK_HOME");
		if (explicit != null && !explicit.isBlank()) {
			return Path.of(explicit).toAbsolutePath();
		}
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		Path home = Path.of(System.getProperty("user.home"));
		if (os.contains("mac")) {
			return home.resolve("Library/Application Support/AgentMasterKey");
		}
		if (os.contains("win")) {
			String appData = env.get("APPDATA");
			return (appData != null ? Path.of(appData) : home.resolve("AppData/Roaming")).resolve("AgentMasterKey");
		}
		String xdg = env.get("XDG_DATA_HOME");
		return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("agent-master-key");
	}
}
