package dev.amk.login;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
		LoginItem item = new MacLaunchAgent(home);
		item.enable(List.of("/Applications/Agent Master Key.app/Contents/MacOS/Agent Master Key", "--flag=<x&y>"));
		String plist = Files.readString(item.location());
		assertTrue(plist.contains("<string>/Applications/Agent Master Key.app/Contents/MacOS/Agent Master Key</string>"), plist);
		assertTrue(plist.contains("<string>--flag=&lt;x&amp;y&gt;</string>"), plist);
		assertTrue(plist.contains("<key>RunAtLoad</key>"));
		assertTrue(plist.contains("<key>AssociatedBundleIdentifiers</key>\n\t<string>dev.amk.AgentMasterKey</string>"), plist);
		item.disable();
		assertFalse(Files.exists(item.location()));
	}

	@Test
	@DisplayName("a command from a checkout relaunches this jar with the app command")
	void relaunch() {
		List<String> command = LoginItem.relaunchCommand();
		assertTrue(command.getLast().equals("app") || System.getProperty("jpackage.app-path") != null, command.toString());
	}

	@Nested
	@DisplayName("macOS: launch at login follows only an app installed in Applications")
	class MacInstallLocation {
		static final String LAUNCHER = "Agent Master Key.app/Contents/MacOS/Agent Master Key";
		MacLaunchAgent item;

		@BeforeEach
		void entryFromEarlier() {
			item = new MacLaunchAgent(home);
			item.enable(List.of("/Applications/Old/" + LAUNCHER));
		}

		@Test
		@DisplayName("repointed to /Applications and ~/Applications")
		void repointedToApplications() throws Exception {
			assertTrue(LoginItem.pointAtInstalledApp(item, "/Applications/" + LAUNCHER));
			assertTrue(Files.readString(item.location()).contains("<string>/Applications/" + LAUNCHER + "</string>"));
			String mine = home.resolve("Applications").resolve(LAUNCHER).toString();
			assertTrue(LoginItem.pointAtInstalledApp(item, mine));
			assertTrue(Files.readString(item.location()).contains("<string>" + mine + "</string>"));
		}

		@Test
		@DisplayName("never repointed to the mounted .dmg, an App Translocation copy, the build folder or a look-alike path")
		void neverToPathsThatVanish() throws Exception {
			String before = Files.readString(item.location());
			for (String path : List.of("/Volumes/Agent Master Key/" + LAUNCHER,
					"/private/var/folders/xy/T/AppTranslocation/0F1E2D3C/d/" + LAUNCHER,
					"/Users/me/src/amk/target/dist/" + LAUNCHER,
					"/Applications/../Volumes/X/" + LAUNCHER,
					"/ApplicationsX/" + LAUNCHER,
					"/Applications/Agent Master Key.app/amk")) {
				assertFalse(LoginItem.pointAtInstalledApp(item, path), path);
				assertEquals(before, Files.readString(item.location()), path);
			}
		}

		@Test
		@DisplayName("switching it on from the .dmg is refused with what to do; from a checkout it is allowed")
		void enableFromDiskImage() {
			item.disable();
			dev.amk.common.AmkException e = org.junit.jupiter.api.Assertions.assertThrows(dev.amk.common.AmkException.class,
					() -> item.enable(List.of("/Volumes/Agent Master Key/" + LAUNCHER)));
			assertTrue(e.getMessage().contains("Drag Agent Master Key into Applications"), e.getMessage());
			assertFalse(item.isEnabled());
			item.enable(List.of("/usr/bin/java", "-jar", "/Users/me/amk/target/amk.jar", "app"));
			assertTrue(item.isEnabled());
		}
	}

	@Nested
	@DisplayName("when the app runs from an installed package (jpackage.app-path)")
	class WhenPackaged {
		Path bin;
		Path app;
		Path cli;

		@BeforeEach
		void installedImage() throws Exception {
			bin = Files.createDirectories(home.resolve("opt/agent-master-key/bin"));
			app = executable(bin.resolve("Agent Master Key"));
			cli = executable(bin.resolve("amk"));
		}

		@Test
		@DisplayName("the login item starts the installed app launcher itself")
		void appLauncher() {
			assertEquals(List.of(app.toString()), LoginItem.packagedCommand(app.toString()));
		}

		@Test
		@DisplayName("started through the amk CLI launcher, the login item still starts the app's launcher beside it")
		void cliLauncher() {
			assertEquals(List.of(app.toString()), LoginItem.packagedCommand(cli.toString()));
		}

		@Test
		@DisplayName("an amk launcher with no app launcher beside it is started with the app command")
		void cliLauncherAlone() throws Exception {
			Files.delete(app);
			assertEquals(List.of(cli.toString(), "app"), LoginItem.packagedCommand(cli.toString()));
		}

		@Test
		@DisplayName("the installed launcher goes into the XDG entry, quoted for its spaces")
		void xdgEntry() throws Exception {
			LoginItem item = new XdgAutostart(home.resolve(".config/autostart"));
			item.enable(LoginItem.packagedCommand(app.toString()));
			assertTrue(Files.readString(item.location()).contains("Exec=\"" + app + "\"\n"), Files.readString(item.location()));
		}

		@Test
		@DisplayName("at start, an entry that names another location or a checkout is pointed at this installation")
		void staleEntryRepointed() throws Exception {
			LoginItem item = new XdgAutostart(home.resolve(".config/autostart"));
			item.enable(List.of("/usr/bin/java", "-jar", "/home/me/amk/target/amk.jar", "app"));
			assertTrue(LoginItem.pointAtInstalledApp(item, app.toString()));
			assertTrue(Files.readString(item.location()).contains("Exec=\"" + app + "\""), Files.readString(item.location()));
			assertFalse(LoginItem.pointAtInstalledApp(item, app.toString()), "already current: left alone");
		}

		@Test
		@DisplayName("at start, launch at login that is off stays off")
		void noEntryStaysOff() {
			LoginItem item = new MacLaunchAgent(home);
			assertFalse(LoginItem.pointAtInstalledApp(item, app.toString()));
			assertFalse(item.isEnabled());
		}

		@Test
		@DisplayName("run from a checkout (no jpackage.app-path), an existing entry is never taken over")
		void checkoutLeavesEntry() throws Exception {
			LoginItem item = new XdgAutostart(home.resolve(".config/autostart"));
			item.enable(List.of(app.toString()));
			String before = Files.readString(item.location());
			assertNull(LoginItem.packagedCommand(null));
			assertFalse(LoginItem.pointAtInstalledApp(item, null));
			assertEquals(before, Files.readString(item.location()));
		}

		private static Path executable(Path file) throws Exception {
			Files.writeString(file, "#!/bin/sh\n");
			file.toFile().setExecutable(true);
			return file;
		}
	}
}
