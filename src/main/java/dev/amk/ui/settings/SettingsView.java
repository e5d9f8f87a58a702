package dev.amk.ui.settings;

import dev.amk.common.AmkException;
import dev.amk.login.LoginItem;
import dev.amk.settings.Settings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * Settings: the proxy port (used from the next start), launch at login, notifications for denied requests.
 * Each change is saved at once; file work runs off the FX thread.
 */
public final class SettingsView extends VBox {
	private final ObjectProperty<Settings> settings;

	public SettingsView(Path dataDir, ObjectProperty<Settings> settings, LoginItem loginItem, int runningPort, Executor background) {
		this.settings = settings;
		setSpacing(12);
		setPadding(new Insets(16));

		TextField port = new TextField(String.valueOf(settings.get().port()));
		port.setId("settings-port");
		port.setAccessibleText("Proxy port");
		port.setPrefColumnCount(6);
		Button applyPort = new Button("Save port");
		applyPort.setId("settings-save-port");
		Label portNote = new Label("The proxy listens on 127.0.0.1:" + runningPort + " now; a new port applies from the next start.");
		portNote.getStyleClass().add("secondary");
		Label message = new Label();
		message.setId("settings-message");
		message.setWrapText(true);

		CheckBox login = new CheckBox("Launch Agent Master Key at login");
		login.setId("settings-launch-at-login");
		login.setSelected(loginItem != null && loginItem.isEnabled());
		login.setDisable(loginItem == null);
		CheckBox notify = new CheckBox("Notify me when a request is denied");
		notify.setId("settings-notify-denied");
		notify.setSelected(settings.get().notifyOnDenied());
		CheckBox containers = new CheckBox("Serve agents in containers on this machine (host.docker.internal; never the network)");
		containers.setId("settings-allow-containers");
		containers.setSelected(settings.get().allowContainers());
		containers.setOnAction(e -> save(dataDir, settings.get().withAllowContainers(containers.isSelected()), background, message,
				containers.isSelected() ? "Saved: from the next start, containers reach the broker at host.docker.internal:" + runningPort
						+ " (and on the docker0 bridge where there is one)." : "Saved: from the next start, only 127.0.0.1 is served."));

		applyPort.setOnAction(e -> {
			try {
				Settings next = settings.get().withPort(Integer.parseInt(port.getText().strip()));
				save(dataDir, next, background, message, "Saved: the proxy uses port " + next.port() + " from the next start.");
			} catch (NumberFormatException | AmkException ex) {
				message.setText("'" + port.getText() + "' is not a port: use a number from 1 to 65535.");
			}
		});
		notify.setOnAction(e -> save(dataDir, settings.get().withNotifyOnDenied(notify.isSelected()), background, message, null));
		login.setOnAction(e -> {
			boolean on = login.isSelected();
			background.execute(() -> {
				try {
					if (on) {
						loginItem.enable(LoginItem.relaunchCommand());
					} else {
						loginItem.disable();
					}
					settings.get().withLaunchAtLogin(on).save(dataDir);
					javafx.application.Platform.runLater(() -> {
						settings.set(settings.get().withLaunchAtLogin(on));
						message.setText(on ? "Agent Master Key will start at login (" + loginItem.location() + ")." : "It will no longer start at login.");
					});
				} catch (AmkException ex) {
					javafx.application.Platform.runLater(() -> {
						login.setSelected(!on);
						message.setText(ex.getMessage());
					});
				}
			});
		});

		GridPane grid = new GridPane();
		grid.setHgap(8);
		grid.setVgap(8);
		grid.addRow(0, new Label("Proxy port"), port, applyPort);
		getChildren().addAll(grid, portNote, login, notify, containers, message);
	}

	/** Adds a section below the others, such as the local CA's ({@link CaSection}). */
	public SettingsView withSection(javafx.scene.Node section) {
		getChildren().addAll(new javafx.scene.control.Separator(), section);
		return this;
	}

	private void save(Path dataDir, Settings next, Executor background, Label message, String confirmation) {
		background.execute(() -> {
			try {
				next.save(dataDir);
				javafx.application.Platform.runLater(() -> {
					settings.set(next);
					if (confirmation != null) {
						message.setText(confirmation);
					}
				});
			} catch (AmkException ex) {
				javafx.application.Platform.runLater(() -> message.setText(ex.getMessage()));
			}
		});
	}
}
