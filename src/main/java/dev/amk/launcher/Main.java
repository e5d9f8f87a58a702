package dev.amk.launcher;

import dev.amk.cli.Cli;

/**
 * Entry point of {@code amk.jar}. With a command it is the CLI; with none it starts the broker, which the
 * menu-bar app will host in-process.
 */
public final class Main {
	private Main() {
	}

	public static void main(String[] args) {
		Logging.configureForCli();
		String[] effective = args.length == 0 ? new String[] {"serve"} : args;
		System.exit(Cli.run(effective, System.getenv()));
	}
}
