package dev.amk.ui.notify;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The macOS notifier with a stand-in osascript that records the arguments it was given. */
@DisabledOnOs(OS.WINDOWS)
class MacNotifierTest {
	/** Text an OAuth provider or an agent's request path could carry, aimed at AppleScript and at the shell. */
	static final String HOSTILE = "Acme\" & (do shell script \"touch /tmp/amk-pwned\") & \"\\\" -e 'x' $(id) `id`\nline two\u0000end";

	@TempDir
	Path dir;

	@Test
	@DisplayName("hostile text reaches osascript only as arguments after a fixed script, exactly as given")
	void argumentsNotScript() throws Exception {
		Path recorded = dir.resolve("args");
		Path osascript = recorder(recorded);
		MacNotifier notifier = new MacNotifier(osascript.toString(), "Agent Master Key");

		Process p = notifier.launch("-e " + HOSTILE, HOSTILE);
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue());

		List<String> args = readArgs(recorded);
		String cleaned = HOSTILE.replace('\u0000', ' ');
		List<String> expected = new ArrayList<>();
		for (String line : MacNotifier.SCRIPT) {
			expected.add("-e");
			expected.add(line);
		}
		expected.addAll(List.of("Agent Master Key", "-e " + cleaned, cleaned));
		assertEquals(expected, args);
		for (String line : MacNotifier.SCRIPT) {
			assertFalse(line.contains("\"") || line.contains("%"), "the script is constant and quotes nothing: " + line);
		}
		assertFalse(Files.exists(Path.of("/tmp/amk-pwned")));
	}

	@Test
	@DisplayName("the script reads the app title, the notice's title and its text from argv")
	void scriptReadsArgv() {
		assertEquals("on run argv", MacNotifier.SCRIPT.getFirst());
		assertTrue(MacNotifier.SCRIPT.get(1).contains("(item 3 of argv) with title (item 1 of argv) subtitle (item 2 of argv)"));
	}

	@Test
	@DisplayName("a runaway message is shortened; an app title that looks like an option is refused")
	void limits() {
		MacNotifier notifier = new MacNotifier("/usr/bin/osascript", "Agent Master Key");
		assertEquals(MacNotifier.MAX_CHARS, notifier.command("t", "x".repeat(50_000)).getLast().length());
		assertThrows(IllegalArgumentException.class, () -> new MacNotifier("/usr/bin/osascript", "-e"));
	}

	/** A shell script that writes each argument after a NUL, so newlines and quotes survive. */
	private Path recorder(Path recorded) throws Exception {
		Path script = dir.resolve("osascript");
		Files.writeString(script, "#!/bin/sh\nfor a; do printf '%s\\0' \"$a\"; done > '" + recorded + "'\n");
		assertTrue(script.toFile().setExecutable(true));
		return script;
	}

	private static List<String> readArgs(Path recorded) throws Exception {
		String all = Files.readString(recorded, StandardCharsets.UTF_8);
		return Arrays.asList(all.substring(0, all.length() - 1).split("\u0000", -1));
	}
}
