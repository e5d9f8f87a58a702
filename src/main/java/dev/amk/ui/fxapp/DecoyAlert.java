package dev.amk.ui.fxapp;

import dev.amk.ui.agents.AgentsModel;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;

/**
 * The alarm of a decoy key's use, with the one action that helps at once: pausing every agent (the same "Pause all"
 * as the agents view, so "Resume" restores exactly those). Non-blocking: the person may be away, and further alerts
 * must not queue behind a dialog.
 */
final class DecoyAlert {
	static final ButtonType PAUSE_ALL = new ButtonType("Pause all agents", ButtonBar.ButtonData.OK_DONE);
	static final ButtonType NOT_NOW = new ButtonType("Not now", ButtonBar.ButtonData.CANCEL_CLOSE);

	private DecoyAlert() {
	}

	/** Call on the FX thread; {@code agents} is null until the app's window is built (then there is nothing to pause yet). */
	static Alert show(String decoy, AgentsModel agents) {
		Alert alert = new Alert(Alert.AlertType.WARNING, "The decoy key '" + decoy + "' was just used. A key meant never to be used"
				+ " has been found by someone: pause every agent now, then find out where it leaked.", PAUSE_ALL, NOT_NOW);
		alert.setTitle("Decoy key used");
		alert.setHeaderText("Someone used the decoy key '" + decoy + "'");
		alert.getDialogPane().setId("decoy-alert");
		alert.resultProperty().addListener((obs, old, chosen) -> {
			if (chosen == PAUSE_ALL && agents != null) {
				agents.pauseAll();
			}
		});
		alert.show();
		return alert;
	}
}
