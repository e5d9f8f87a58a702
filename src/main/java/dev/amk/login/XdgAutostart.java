package dev.amk.login;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** {@code ~/.config/autostart/agent-master-key.desktop}: desktops that follow XDG start it at login. */
final class XdgAutostart implements LoginItem {
	private final Path file;

	XdgAutostart(Path autostartDir) {
		this.file = autostartDir.resolve("agent-master-key.desktop");
	}

	@Override
	public void enable(List<String> command) {
		String exec = command.stream().map(XdgAutostart::quote).collect(Collectors.joining(" "));
		MacLaunchAgent.write(file, """
				[Desktop Entry]
				Type=Application
				Name=Agent Master Key
				Comment=Per-agent keys for your AI agents; real secrets stay in the keychain
				Exec=%s
				Terminal=false
				X-GNOME-Autostart-enabled=true
				""".formatted(exec));
	}

	@Override
	public void disable() {
		MacLaunchAgent.delete(file);
	}

	@Override
	public boolean isEnabled() {
		return Files.exists(file);
	}

	@Override
	public Path location() {
		return file;
	}

	/** Desktop Entry Exec quoting: double quotes, with ", `, $ and \\ escaped. */
	static String quote(String arg) {
		if (arg.matches("[A-Za-z0-9_./=:+-]+")) {
			return arg;
		}
		return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`").replace("$", "\\$") + "\"";
	}
}
