package dev.amk.ui.tray;

import com.dustinredmond.fxtrayicon.FXTrayIcon;
import dev.amk.ui.agents.AgentRow;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.notify.MacNotifier;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The menu-bar icon and its menu, rebuilt from the model whenever the model changes (agents created from the
 * CLI appear without a restart): a status line, one checkable item per agent (unchecking revokes it; an amk run's key
 * is marked and listed under its agent), "Pause all agents" / "Resume", "Open Agent Master Key…", "Quit".
 */
public final class TrayMenu {
	private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("mac");
	private static final String APP_TITLE = "Agent Master Key";

	private final MenuBarIcon icon;
	/** Notification Center on macOS: FXTrayIcon's own puts the text inside an AppleScript string (see MacNotifier). */
	private final MacNotifier macNotifier = MAC ? new MacNotifier(APP_TITLE) : null;
	private final AgentsModel model;
	private final int port;
	private final Runnable openWindow;
	private final Runnable quit;
	private final Supplier<Instant> lastDenied;
	private final Supplier<Set<String>> needingReconnect;
	private String iconShown;
	private String tooltipShown;

	private static final ScheduledExecutorService ICON_CHECK = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "amk-tray-icon");
		t.setDaemon(true);
		return t;
	});

	/** How long the icon shows the alert state after a denied request. */
	static final Duration ALERT_FOR = Duration.ofMinutes(5);

	/**
	 * @param openWindow       shows the main window ("Open Agent Master Key…")
	 * @param needingReconnect the OAuth connections whose sign-in died: the icon stays in its alert state until
	 *                         they are reconnected, since agents using them fail meanwhile
	 */
	public TrayMenu(Stage owner, AgentsModel model, int port, Runnable openWindow, Supplier<Instant> lastDenied,
			Supplier<Set<String>> needingReconnect, Runnable quit) {
		this.model = model;
		this.port = port;
		this.openWindow = openWindow;
		this.lastDenied = lastDenied;
		this.needingReconnect = needingReconnect;
		this.quit = quit;
		this.icon = new MenuBarIcon(owner, iconUrl(State.RUNNING));
		this.iconShown = State.RUNNING.file;
		if (MAC) {
			icon.setImage(TrayImages.menuBar(State.RUNNING.file));
		}
		icon.setApplicationTitle(APP_TITLE);
		icon.setTrayIconTooltip(APP_TITLE);
		rebuild();
		model.rows().addListener((ListChangeListener<AgentRow>) c -> rebuild());
		model.activeCountProperty().addListener((o, a, b) -> rebuild());
		model.pausedCountProperty().addListener((o, a, b) -> rebuild());
		// The alert state must also end by itself; a 5 s check is enough for a 5 min window. A scheduler, not a
		// Timeline: a running animation would keep JavaFX pulsing while the app idles in the menu bar.
		ICON_CHECK.scheduleWithFixedDelay(() -> Platform.runLater(this::updateIcon), 5, 5, TimeUnit.SECONDS);
	}

	/** What the icon says at a glance. */
	enum State {
		RUNNING("tray"), PAUSED("trayPaused"), ALERT("trayAlert");

		final String file;

		State(String file) {
			this.file = file;
		}
	}

	State state() {
		boolean allPaused = model.pausedCountProperty().get() > 0
				|| (!model.rows().isEmpty() && model.activeCountProperty().get() == 0);
		if (!needingReconnect.get().isEmpty() || recentlyDenied()) {
			return State.ALERT;
		}
		return allPaused ? State.PAUSED : State.RUNNING;
	}

	private boolean recentlyDenied() {
		Instant denied = lastDenied.get();
		return denied != null && denied.isAfter(Instant.now().minus(ALERT_FOR));
	}

	String tooltip(State s) {
		return switch (s) {
			case RUNNING -> "Agent Master Key";
			case PAUSED -> "Agent Master Key: all agents paused";
			case ALERT -> {
				Set<String> names = needingReconnect.get();
				yield names.isEmpty() ? "Agent Master Key: a request was denied recently"
						: "Agent Master Key: reconnect " + String.join(", ", new java.util.TreeSet<>(names)) + " (Connections)";
			}
		};
	}

	private void updateIcon() {
		State s = state();
		if (!s.file.equals(iconShown)) {
			iconShown = s.file;
			if (MAC) {
				icon.setImage(TrayImages.menuBar(s.file));
			} else {
				icon.setGraphic(iconUrl(s), 22, 22);
			}
		}
		String tip = tooltip(s);
		if (!tip.equals(tooltipShown)) {
			tooltipShown = tip;
			icon.setTrayIconTooltip(tip);
		}
	}

	/** A system notification from the tray icon (Notification Center on macOS, the desktop's on Linux). */
	public void notify(String title, String message) {
		if (macNotifier != null) {
			macNotifier.notify(title, message);
		} else {
			icon.showWarningMessage(title, message);
		}
		updateIcon();
	}

	/** Re-reads what the icon shows (a connection lost or regained its sign-in); call on the FX thread. */
	public void refreshState() {
		updateIcon();
	}

	public void show() {
		icon.show();
	}

	public boolean isShowing() {
		return icon.isShowing();
	}

	private void rebuild() {
		updateIcon();
		icon.clear();
		MenuItem status = new MenuItem(model.statusLine(port));
		status.setDisable(true);
		icon.addMenuItem(status);
		icon.addSeparator();
		for (AgentRow row : model.rows()) {
			CheckMenuItem item = new CheckMenuItem(label(row));
			item.setSelected(row.isActive());
			item.setDisable(row.isRunKey() && !row.isActive()); // a run key is never enabled again (AgentService.enable)
			item.setOnAction(e -> model.setActive(row, item.isSelected()));
			icon.addMenuItem(item);
		}
		if (!model.rows().isEmpty()) {
			icon.addSeparator();
		}
		boolean paused = model.pausedCountProperty().get() > 0;
		MenuItem pause = new MenuItem(paused ? "Resume" : "Pause all agents");
		pause.setOnAction(e -> {
			if (paused) {
				model.resumeAll();
			} else {
				model.pauseAll();
			}
		});
		icon.addMenuItem(pause);
		MenuItem open = new MenuItem("Open Agent Master Key…");
		open.setOnAction(e -> {
			openWindow.run();
			if (MAC) {
				bringToFront();
			}
		});
		icon.addMenuItem(open);
		icon.addSeparator();
		MenuItem quitItem = new MenuItem("Quit");
		quitItem.setOnAction(e -> quit.run());
		icon.addMenuItem(quitItem);
	}

	/**
	 * An agent's item: its name; an {@code amk run}'s key indented under its agent (the model keeps that order) and
	 * marked as a run's, as in the Agents list, so that unticking it reads as ending one run, not the agent.
	 */
	static String label(AgentRow row) {
		return row.isRunKey() ? "    ↳ " + row.name() + " (amk run)" : row.name();
	}

	/** Template images on macOS (it tints them for light and dark menu bars), light colour icons elsewhere. */
	private static URL iconUrl(State state) {
		return TrayMenu.class.getResource(state.file + (MAC ? "Template" : "") + ".png");
	}

	/**
	 * Makes the app active so its window takes the keyboard: a UI-element app (LSUIElement, glass.taskbarApplication
	 * false) is not activated by showing a window, so the window would open behind the frontmost app without focus.
	 * AWT's Desktop.requestForeground is [NSApp activateIgnoringOtherApps:] on macOS (openjdk CDesktopPeer,
	 * com.apple.eawt.Application.requestForeground); allowed here because the person just chose the menu item.
	 */
	private static void bringToFront() {
		java.awt.EventQueue.invokeLater(() -> {
			if (java.awt.Desktop.isDesktopSupported() && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.APP_REQUEST_FOREGROUND)) {
				java.awt.Desktop.getDesktop().requestForeground(true);
			}
		});
	}

	/**
	 * FXTrayIcon with the AWT image set as it is: every FXTrayIcon setGraphic scales the image with
	 * getScaledInstance (4.2.3, loadImageFromAWT), which would flatten the multi-resolution image to one size.
	 */
	private static final class MenuBarIcon extends FXTrayIcon {
		MenuBarIcon(Stage owner, URL image) {
			super(owner, image, 22, 22);
		}

		void setImage(java.awt.Image image) {
			getTrayIcon().setImage(image);
		}
	}
}
