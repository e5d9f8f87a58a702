package dev.amk.cli;

import dev.amk.broker.Services;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;
import dev.amk.secrets.SecretStore;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/** Runs one {@code amk} command and maps failures to the contract: a message on stderr and a non-zero exit. */
public final class Cli {
	public static final int EXIT_FAILURE = ErrorType.EXIT_FAILURE;
	public static final int EXIT_USAGE = ErrorType.EXIT_USAGE;

	private Cli() {
	}

	/** The process's CLI: the terminal, the system clock and keychain; {@code desktop} shows {@code amk app}'s menu-bar app. */
	public static int run(String[] args, Map<String, String> env, DesktopStarter desktop) {
		java.io.Console console = System.console();
		boolean interactive = console != null && console.isTerminal();
		PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
		PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
		return run(args, env, System.in, interactive, out, err, Clock.systemUTC(), Services.systemKeychain(env), desktop);
	}

	/** The whole CLI with every outside dependency passed in: what tests call. {@code amk app} runs without its menu-bar app. */
	public static int run(String[] args, Map<String, String> env, InputStream in, boolean interactive, PrintWriter out, PrintWriter err,
			Clock clock, Supplier<SecretStore> secretStores) {
		return run(args, env, in, interactive, out, err, clock, secretStores, DesktopStarter.NONE);
	}

	private static int run(String[] args, Map<String, String> env, InputStream in, boolean interactive, PrintWriter out, PrintWriter err,
			Clock clock, Supplier<SecretStore> secretStores, DesktopStarter desktop) {
		boolean json = Arrays.asList(args).contains("--json");
		try (CliContext ctx = new CliContext(env, in, interactive, out, err, clock, secretStores, desktop)) {
			CommandLine cl = new CommandLine(new AmkCommand(ctx));
			cl.setOut(out);
			cl.setErr(err);
			cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
				if (e instanceof AmkException amk) {
					report(err, json, amk.type(), CliWording.message(amk));
					return amk.errorType().exitCode();
				}
				throw e;
			});
			cl.setParameterExceptionHandler((e, a) -> {
				if (json) {
					report(err, true, ErrorType.USAGE.type(), e.getMessage());
				} else {
					err.println("amk: " + e.getMessage());
					CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
					err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
				}
				err.flush();
				return EXIT_USAGE;
			});
			return cl.execute(args);
		} catch (AmkException e) {
			report(err, json, e.type(), CliWording.message(e));
			return e.errorType().exitCode();
		}
	}

	private static void report(PrintWriter err, boolean json, String type, String message) {
		err.println(json ? Json.error(type, message) : "amk: " + message);
		err.flush();
	}
}
