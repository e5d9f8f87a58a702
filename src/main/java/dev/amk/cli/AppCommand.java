package dev.amk.cli;

import dev.amk.broker.Broker;
import dev.amk.common.Json;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
		return !ctx().desktop().canShow();
	}

	@Override
	void onReady(CliContext ctx, Broker broker) {
		Optional<DesktopStarter.Shown> app = ctx.desktop().start(broker);
		if (app.isEmpty()) {
			ctx.err().println("No display here, so the broker runs without its menu-bar app (as 'amk serve'). Ctrl+C stops.");
			ctx.err().flush();
			return;
		}
		if (json()) {
			reportWhenShown(ctx, app.get());
		}
	}

	/**
	 * With --json, one more line once the tray icon is really in the menu bar (AWT adds it asynchronously):
	 * {"event":"ui_ready","tray":true,"ms_since_start":N}. Start-up benchmarks read it.
	 */
	private static void reportWhenShown(CliContext ctx, DesktopStarter.Shown app) {
		Thread.ofVirtual().start(() -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (!app.isShowing() && System.nanoTime() < deadline) {
				LockSupport.parkNanos(10_000_000L);
			}
			long sinceStart = System.currentTimeMillis() - ProcessHandle.current().info().startInstant()
					.map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
			Map<String, Object> event = new LinkedHashMap<>();
			event.put("event", "ui_ready");
			event.put("tray", app.hasTray());
			event.put("shown", app.isShowing());
			event.put("ms_since_start", sinceStart);
			ctx.out().println(Json.write(event));
			ctx.out().flush();
		});
	}
}
