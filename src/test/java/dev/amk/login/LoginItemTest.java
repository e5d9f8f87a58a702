package dev.amk.login;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login entries as files, in a temporary home. */
class LoginItemTest {
	@TempDir
	Path home;

	@Test
	@DisplayName("XDG autostart: an entry with the command appears, and disappears when switched off")
	void xdg() throws Exception {
		LoginItem item = new XdgAutostart(home.resolve(".config/autostart"));
		item.enable(List.of("/opt/agent master key/bin/Agent Master Key", "app"));
		assertTrue(item.isEnabled());
		String entry = Files.readString(item.location());
		assertTrue(entry.contains("Exec=\"/opt/agent master key/bin/Agent Master Key\" app"), entry);
		assertTrue(entry.contains("Type=Application"));
		item.disable();
		assertFalse(item.isEnabled());
		item.disable(); // idempotent
	}

	@Test
	@DisplayName("macOS LaunchAgent: a plist that runs the command at load, escaped for XML")
	void mac() throws Exception {
		LoginItem item = new MacLaunchAgent(home.resolve("Library/LaunchAgents"));
		item.enable(List.of("/Applications/Agent Master Key.app/Contents/MacOS/Agent Master Key", "--flag=<x&y>"));
		String plist = Files.readString(item.location());
		assertTrue(plist.contains("<string>/Applications/Agent Master Key.app/Contents/MacOS/Agent Master Key</string>"), plist);
		assertTrue(plist.contains("<string>--flag=&lt;x&amp;y&gt;</string>"), plist);
		assertTrue(plist.contains("<key>RunAtLoad</key>"));
		item.disable();
		assertFalse(Files.exists(item.location()));
	}

	@Test
	@DisplayName("a command from a checkout relaunches this jar with the app command")
	void relaunch() {
		List<String> command = LoginItem.relaunchCommand();
		assertTrue(command.getLast().equals("app") || System.getProperty("jpackage.app-path") != null, command.toString());
	}
}
