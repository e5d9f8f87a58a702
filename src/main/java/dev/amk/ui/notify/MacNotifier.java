package dev.amk.ui.notify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Notification Center on macOS through {@code osascript}, with the text passed as arguments to a fixed script,
 * never inside it. FXTrayIcon 4.2.3 (showWarningMessage and friends on a Mac) formats the text into the
 * AppleScript source ({@code display notification "%s" with title "%s"}), so a {@code "} or {@code \} in it breaks
 * the notification, and crafted text could run {@code do shell script}: a denied request's path and an OAuth
 * provider's account name (a Slack team, a Notion workspace) reach the notices. Here the script never changes;
 * osascript hands the arguments after it to its {@code run} handler as the list {@code argv} (osascript(1):
 * "Any arguments following the script will be passed as a list of strings to the direct parameter of the run
 * handler"). The first argument is the app's own name, which never starts with '-', so osascript stops reading
 * options before any text from outside.
 */
public final class MacNotifier implements DeniedNotifier.SystemNotifier {
	/** The whole script: it only reads its arguments. */
	static final List<String> SCRIPT = List.of(
			"on run argv",
			"display notification (item 3 of argv) with title (item 1 of argv) subtitle (item 2 of argv)",
			"end run");
	/** Notification Center shows a few lines; this only keeps a runaway message off the command line. */
	static final int MAX_CHARS = 1_000;

	private final String osascript;
	private final String appTitle;

	public MacNotifier(String appTitle) {
		this("/usr/bin/osascript", appTitle);
	}

	/** @param osascript the program to run; tests pass a stand-in that records its arguments */
	MacNotifier(String osascript, String appTitle) {
		if (appTitle.isEmpty() || appTitle.startsWith("-")) {
			throw new IllegalArgumentException("the app title is osascript's first argument and must not look like an option");
		}
		this.osascript = osascript;
		this.appTitle = appTitle;
	}

	@Override
	public void notify(String title, String message) {
		try {
			launch(title, message);
		} catch (IOException e) {
			// A missing notification is not worth failing for; the tray icon shows the alert state anyway.
			System.getLogger(MacNotifier.class.getName()).log(System.Logger.Level.WARNING, "Could not show a notification: " + e.getClass().getSimpleName());
		}
	}

	/** Starts osascript and returns at once (a notification must not hold up the FX thread). */
	Process launch(String title, String message) throws IOException {
		return new ProcessBuilder(command(title, message)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
	}

	List<String> command(String title, String message) {
		List<String> command = new ArrayList<>();
		command.add(osascript);
		for (String line : SCRIPT) {
			command.add("-e");
			command.add(line);
		}
		command.add(appTitle);
		command.add(argument(title));
		command.add(argument(message));
		return command;
	}

	/** A process argument cannot hold NUL (Java refuses it); other control characters show as spaces. */
	private static String argument(String text) {
		String s = text == null ? "" : text.replaceAll("[\\x00-\\x08\\x0B-\\x1F\\x7F]", " ");
		return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS - 1) + "…";
	}
}
