package dev.amk.launcher;

import dev.amk.broker.Logging;
import dev.amk.cli.Cli;

/**
 * Entry point of {@code amk.jar}. With a command it is the CLI; with none it is the menu-bar app, which
 * hosts the broker in-process: the CLI's {@code app} command starts the broker and then the desktop app
 * through {@link DesktopLauncher}, so that the CLI itself loads no JavaFX.
 */
public final class Main {
	private Main() {
	}

	public static void main(String[] args) {
		Logging.configureForCli();
		String[] effective = args.length == 0 ? new String[] {"app"} : args;
		MacDesktopProperties.apply(effective[0]); // before AWT or JavaFX loads: both read their properties once
		System.exit(Cli.run(effective, System.getenv(), new DesktopLauncher()));
	}
}
