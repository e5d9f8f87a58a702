package dev.amk.ui.tray;

import com.dustinredmond.fxtrayicon.FXTrayIcon;
import dev.amk.ui.agents.AgentRow;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.collections.ListChangeListener;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;

import java.net.URL;

/**
 * The menu-bar icon and its menu, rebuilt from the model whenever the model changes (agents created from the
 * CLI appear without a restart): a status line, one checkable item per agent (unchecking revokes it),
 * "Pause all agents" / "Resume", "Open Agent Master Key…", "Quit".
 */
public final class TrayMenu {
	private final FXTrayIcon icon;
	private final AgentsModel model;
	private final int port;
	private final MainWindow window;
	private final Runnable quit;

	public TrayMenu(Stage owner, AgentsModel model, int port, MainWindow window, Runnable quit) {
		this.model = model;
		this.port = port;
		this.window = window;
		this.quit = quit;
		this.icon = new FXTrayIcon(owner, iconUrl(), 22, 22);
		icon.setApplicationTitle("Agent Master Key");
		icon.setTrayIconTooltip("Agent Master Key");
		rebuild();
		model.rows().addListener((ListChangeListener<AgentRow>) c -> rebuild());
		model.activeCountProperty().addListener((o, a, b) -> rebuild());
		model.pausedCountProperty().addListener((o, a, b) -> rebuild());
	}

	public void show() {
		icon.show();
	}

	public boolean isShowing() {
		return icon.isShowing();
	}

	private void rebuild() {
		icon.clear();
		MenuItem status = new MenuItem(MainWindow.statusLine(port, model));
		status.setDisable(true);
		icon.addMenuItem(status);
		icon.addSeparator();
		for (AgentRow row : model.rows()) {
			CheckMenuItem item = new CheckMenuItem(row.name());
			item.setSelected(row.isActive());
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
		open.setOnAction(e -> window.show());
		icon.addMenuItem(open);
		icon.addSeparator();
		MenuItem quitItem = new MenuItem("Quit");
		quitItem.setOnAction(e -> quit.run());
		icon.addMenuItem(quitItem);
	}

	private static URL iconUrl() {
		boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
		URL template = TrayMenu.class.getResource(mac ? "trayTemplate.png" : "tray.png");
		return template != null ? template : TrayMenu.class.getResource("/dev/amk/ui/tray/tray.png");
	}
}
