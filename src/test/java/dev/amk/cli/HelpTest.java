package dev.amk.cli;

import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every usage error ends with "See 'amk … --help'", so every command, however deep, must answer {@code --help} with its
 * usage and exit 0, without touching the data folder or the keychain.
 */
class HelpTest {
	/** Every command's words, from the command tree itself, so that a new command is covered without editing this test. */
	static Stream<String> commands() {
		CliContext ctx = new CliContext(Map.of("AMK_HOME", Path.of("/nonexistent/amk-help-test").toString()), new ByteArrayInputStream(new byte[0]),
				false, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Clock.systemUTC(), InMemorySecretStore::new,
				DesktopStarter.NONE);
		List<String> all = new ArrayList<>();
		collect(new CommandLine(new AmkCommand(ctx)), "", all);
		return all.stream();
	}

	private static void collect(CommandLine command, String prefix, List<String> into) {
		for (var sub : command.getSubcommands().entrySet()) {
			if (sub.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
				continue;
			}
			String words = (prefix + " " + sub.getKey()).strip();
			into.add(words);
			collect(sub.getValue(), words, into);
		}
	}

	@ParameterizedTest(name = "amk {0} --help")
	@MethodSource("commands")
	@DisplayName("every command answers --help with its usage")
	void help(String command) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		String[] args = Stream.concat(Stream.of(command.split(" ")), Stream.of("--help")).toArray(String[]::new);
		int exit = Cli.run(args, Map.of("AMK_HOME", "/nonexistent/amk-help-test"), new ByteArrayInputStream(new byte[0]), false,
				new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), () -> {
					throw new AssertionError("--help must not open the keychain");
				});
		assertEquals(0, exit, err.toString());
		assertTrue(out.toString().startsWith("Usage: amk " + command), out.toString());
		assertEquals("", err.toString(), "--help writes nothing to stderr (no picocli format warnings)");
	}
}
