package dev.amk.cli;

import dev.amk.launcher.Broker;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.application.Platform;
import javafx.stage.Stage;
import picocli.CommandLine.Command;

import java.awt.GraphicsEnvironment;

/**
 * {@code amk app} (also what {@code amk} with no command runs): the broker plus its menu-bar app, in one
 * process. The broker starts first and serves even if no window can open; on a machine without a display
 * this is {@code amk serve} with a note saying so.
 */
@Command(name = "app", description = "Run the broker with its menu-bar app (the default when no command is given).")
final class AppCommand extends ServeCommand {
	/**
	 * With a display, the app reads the secrets itself once its icon shows (DesktopApp): on macOS each item may
	 * raise a Keychain prompt, and a prompt nobody answers must not keep the app from appearing.
	 */
	@Override
	boolean readsSecretsBeforeReady() {
		return !displayAvailable();
	}

	@Override
	void onReady(CliContext ctx, Broker broker) {
		if (!displayAvailable()) {
			ctx.err().println("No display here, so the broker runs without its menu-bar app (as 'amk serve'). Ctrl+C stops.");
			ctx.err().flush();
			return;
		}
		DesktopApp app = new DesktopApp(broker, null);
		Platform.startup(() -> app.start(new Stage(), () -> {
			app.stop();
			Platform.exit();
			System.exit(0); // the shutdown hook stops the broker cleanly and flushes the audit log
		}));
		if (json()) {
			reportWhenShown(ctx, app);
		}
	}

	/**
	 * With --json, one more line once the tray icon is really in the menu bar (AWT adds it asynchronously):
	 * {"event":"ui_ready","tray":true,"ms_since_start":N}. Start-up benchmarks read it.
	 */
	private static void reportWhenShown(CliContext ctx, DesktopApp app) {
		Thread.ofVirtual().start(() -> {
			long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
			while (!app.isShowing() && System.nanoTime() < deadline) {
				java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
			}
			long sinceStart = System.currentTimeMillis() - ProcessHandle.current().info().startInstant()
					.map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
			var event = new java.util.LinkedHashMap<String, Object>();
			event.put("event", "ui_ready");
			event.put("tray", app.hasTray());
			event.put("shown", app.isShowing());
			event.put("ms_since_start", sinceStart);
			ctx.out().println(dev.amk.common.Json.write(event));
			ctx.out().flush();
		});
	}

	private static boolean displayAvailable() {
		if (GraphicsEnvironment.isHeadless()) {
			return false;
		}
		boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
		return !linux || System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
	}
}
