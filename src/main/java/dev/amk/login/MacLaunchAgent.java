package dev.amk.login;

import dev.amk.common.AmkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code ~/Library/LaunchAgents/dev.amk.AgentMasterKey.plist} with RunAtLoad: launchd starts it at login. */
final class MacLaunchAgent implements LoginItem {
	static final String LABEL = "dev.amk.AgentMasterKey";
	private final Path file;

	MacLaunchAgent(Path launchAgentsDir) {
		this.file = launchAgentsDir.resolve(LABEL + ".plist");
	}

	@Override
	public void enable(List<String> command) {
		StringBuilder args = new StringBuilder();
		for (String a : command) {
			args.append("\t\t<string>").append(xml(a)).append("</string>\n");
		}
		String plist = """
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
				</dict>
				</plist>
				""".formatted(LABEL, args);
		write(file, plist);
	}

	@Override
	public void disable() {
		delete(file);
	}

	@Override
	public boolean isEnabled() {
		return Files.exists(file);
	}

	@Override
	public Path location() {
		return file;
	}

	private static String xml(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	static void write(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, content);
		} catch (IOException e) {
			throw new AmkException("login_item_failed", "Could not write " + file + ": " + e.getMessage()
					+ ". Check that the folder is writable.", e);
		}
	}

	static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			throw new AmkException("login_item_failed", "Could not remove " + file + ": " + e.getMessage() + ". Remove it by hand.", e);
		}
	}
}
