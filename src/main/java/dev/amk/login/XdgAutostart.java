package dev.amk.login;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** {@code ~/.config/autostart/agent-master-key.desktop}: desktops that follow XDG start it at login. */
final class XdgAutostart extends FileLoginItem {
	XdgAutostart(Path autostartDir) {
		super(autostartDir.resolve("agent-master-key.desktop"));
	}

	@Override
	String content(List<String> command) {
		String exec = command.stream().map(XdgAutostart::quote).collect(Collectors.joining(" "));
		return """
				[Desktop Entry]
				Type=Application
				Name=Agent Master Key
				Comment=Per-agent keys for your AI agents; real secrets stay in the keychain
				Exec=%s
				Terminal=false
				X-GNOME-Autostart-enabled=true
				""".formatted(exec);
	}

	/** Desktop Entry Exec quoting: double quotes, with ", `, $ and \\ escaped. */
	static String quote(String arg) {
		if (arg.matches("[A-Za-z0-9_./=:+-]+")) {
			return arg;
		}
		return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`").replace("$", "\\$") + "\"";
	}
}
