package dev.amk.login;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.nio.file.Path;
import java.util.List;

/** {@code ~/Library/LaunchAgents/dev.amk.AgentMasterKey.plist} with RunAtLoad: launchd starts it at login. */
final class MacLaunchAgent extends FileLoginItem {
	static final String LABEL = "dev.amk.AgentMasterKey";
	/** Info.plist's CFBundleIdentifier (packaging/macos/Info.plist). */
	static final String BUNDLE_ID = "dev.amk.AgentMasterKey";

	private final Path home;

	MacLaunchAgent(Path home) {
		super(home.resolve("Library/LaunchAgents").resolve(LABEL + ".plist"));
		this.home = home;
	}

	/**
	 * Refuses an app that runs from where it will not stay: the mounted .dmg ({@code /Volumes/…}) or the
	 * read-only copy Gatekeeper's App Translocation runs a quarantined download from
	 * ({@code /private/var/folders/…/AppTranslocation/…}). A login item pointing there would start nothing
	 * after the next restart. A command outside any app bundle (a source checkout) is the developer's choice.
	 */
	@Override
	public void enable(List<String> command) {
		if (inBundle(command) && !installed(command)) {
			throw new AmkException(ErrorType.LOGIN_ITEM_FAILED, "Agent Master Key is running from " + bundleOf(command) + ", which does not last"
					+ " (a disk image, or a copy macOS made to run a download). Drag Agent Master Key into Applications, open it from there,"
					+ " then switch launch at login on.");
		}
		super.enable(command);
	}

	/** Repoints an existing entry only at an app installed in /Applications or ~/Applications (see {@link #enable}). */
	@Override
	public boolean update(List<String> command) {
		return installed(command) && super.update(command);
	}

	/** The command starts an app bundle under /Applications or ~/Applications. */
	boolean installed(List<String> command) {
		Path bundle = bundleOf(command);
		return bundle != null && (bundle.startsWith(Path.of("/Applications")) || bundle.startsWith(home.resolve("Applications")));
	}

	private static boolean inBundle(List<String> command) {
		return bundleOf(command) != null;
	}

	/** The {@code X.app} folder of a launcher at {@code X.app/Contents/MacOS/NAME}; null for anything else. */
	static Path bundleOf(List<String> command) {
		if (command.isEmpty()) {
			return null;
		}
		Path launcher = Path.of(command.getFirst()).normalize();
		Path macos = launcher.getParent();
		Path contents = macos == null ? null : macos.getParent();
		Path bundle = contents == null ? null : contents.getParent();
		boolean ok = launcher.isAbsolute() && bundle != null && macos.getFileName().toString().equals("MacOS")
				&& contents.getFileName().toString().equals("Contents") && bundle.getFileName().toString().endsWith(".app");
		return ok ? bundle : null;
	}

	/**
	 * The plist. AssociatedBundleIdentifiers names the app the entry belongs to, so System Settings › General ›
	 * Login Items shows "Agent Master Key" with its icon rather than the bare launcher (launchd.plist(5), macOS 13
	 * and later; older systems ignore the key).
	 */
	@Override
	String content(List<String> command) {
		StringBuilder args = new StringBuilder();
		for (String a : command) {
			args.append("\t\t<string>").append(xml(a)).append("</string>\n");
		}
		return """
				<?xml version="1.0" encoding="UTF-8"?>
				<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
				<plist version="1.0">
				<dict>
				\t<key>Label</key>
				\t<string>%s</string>
				\t<key>ProgramArguments</key>
				\t<array>
				%s\t</array>
				\t<key>RunAtLoad</key>
				\t<true/>
				\t<key>ProcessType</key>
				\t<string>Interactive</string>
				\t<key>AssociatedBundleIdentifiers</key>
				\t<string>%s</string>
				</dict>
				</plist>
				""".formatted(LABEL, args, BUNDLE_ID);
	}

	private static String xml(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}
}
