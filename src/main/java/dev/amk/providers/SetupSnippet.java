package dev.amk.providers;

import java.util.ArrayList;
import java.util.List;

/**
 * One ready-to-paste block that points one kind of agent (an SDK, a CLI, curl) at the broker: environment
 * variables to export, then any code. {@link ProviderSpec#setupSnippets} builds them, so the CLI's setup lines and
 * the app's result screen come from the same place.
 *
 * <p>Snippets hold an agent key: build them only to show them once, never log them.
 *
 * @param id    stable and unique within a provider ({@code openai-sdk}, {@code claude-code}, {@code curl}…), for ids in the UI
 * @param title what the block is for, as a person would look for it ("Anthropic SDKs", "Claude Code")
 * @param hint  one short line: when to use this block rather than another
 */
public record SetupSnippet(String id, String title, String hint, List<EnvVar> env, List<String> code) {

	/** One variable an SDK reads. Values are URLs and {@code amk_} keys, which need no shell quoting. */
	public record EnvVar(String name, String value) {
		/** {@code NAME=value}, as the CLI prints it after {@code export}. */
		public String assignment() {
			return name + "=" + value;
		}
	}

	public SetupSnippet {
		env = List.copyOf(env);
		code = List.copyOf(code);
	}

	/** The block as pasted: {@code export NAME=value} lines, then the code (a blank line between the two). */
	public String text() {
		List<String> lines = new ArrayList<>();
		env.forEach(v -> lines.add("export " + v.assignment()));
		if (!env.isEmpty() && !code.isEmpty()) {
			lines.add("");
		}
		lines.addAll(code);
		return String.join("\n", lines);
	}

	/** {@code http://127.0.0.1:PORT/CONNECTION}: where an agent sends what it would otherwise send to the provider. */
	public static String proxyBase(int port, String connection) {
		return "http://127.0.0.1:" + port + "/" + connection;
	}
}
