package dev.amk.login;

import java.nio.file.Path;
import java.util.List;

/** {@code ~/Library/LaunchAgents/dev.amk.AgentMasterKey.plist} with RunAtLoad: launchd starts it at login. */
final class MacLaunchAgent extends FileLoginItem {
	static final String LABEL = "dev.amk.AgentMasterKey";

	MacLaunchAgent(Path launchAgentsDir) {
		super(launchAgentsDir.resolve(LABEL + ".plist"));
	}

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
				</dict>
				</plist>
				""".formatted(LABEL, args);
	}

	private static String xml(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}
}
