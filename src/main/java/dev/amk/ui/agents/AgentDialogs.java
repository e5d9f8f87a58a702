package dev.amk.ui.agents;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.beans.binding.Bindings;
import javafx.collections.ObservableList;
import javafx.geometry.Rectangle2D;
import javafx.scene.layout.Region;
import javafx.stage.Modality;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The windows the agent actions open: modal stages that look like the main window, and confirmations. */
final class AgentDialogs {
	private AgentDialogs() {
	}

	/** A window over {@code owner} (blocking it until closed) that looks like it: the same stylesheets, light or dark. */
	static Stage stage(Window owner, String title, Parent root) {
		Stage stage = new Stage();
		if (owner != null) {
			stage.initOwner(owner);
			stage.initModality(Modality.WINDOW_MODAL);
		}
		Scene scene = new Scene(root);
		followStyles(scene.getStylesheets(), owner);
		stage.setTitle(title);
		stage.setScene(scene);
		return stage;
	}

	/**
	 * Sizes {@code stage} to show all of {@code root} at {@code width}, within the screen. Wrapped labels make a
	 * form's height depend on its width, which {@link Stage#sizeToScene()} alone does not account for: the
	 * bottom of the form would be cut off.
	 */
	static void fit(Stage stage, Region root, double width) {
		root.setPrefSize(Region.USE_COMPUTED_SIZE, Region.USE_COMPUTED_SIZE); // measure afresh when fitting again
		root.applyCss();
		Rectangle2D screen = Screen.getPrimary().getVisualBounds();
		double w = Math.min(width, screen.getWidth() - 40);
		double h = Math.min(root.prefHeight(w), screen.getHeight() - 80);
		root.setPrefSize(w, h);
		stage.sizeToScene();
	}

	/** The owner's stylesheets, kept in step: the main window switches between light and dark live. */
	private static void followStyles(ObservableList<String> stylesheets, Window owner) {
		if (owner != null && owner.getScene() != null) {
			Bindings.bindContent(stylesheets, owner.getScene().getStylesheets());
		}
	}

	/** The usable height of the screen, for parts that scroll rather than grow past it. */
	static double screenHeight() {
		return Screen.getPrimary().getVisualBounds().getHeight();
	}

	/**
	 * Asks before something that cannot be undone. Cancel is the default button, so Enter (or Escape) on a
	 * hasty keyboard does nothing; {@code onConfirm} runs only after a deliberate click or Space on the action.
	 * Ids: {@code ID-dialog}, {@code ID-confirm}, {@code ID-cancel}. Returns at once (the dialog is not nested).
	 */
	static Alert confirm(Window owner, String id, String title, String header, String content, String action, Runnable onConfirm) {
		Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
		if (owner != null) {
			alert.initOwner(owner);
		}
		alert.setTitle(title);
		alert.setHeaderText(header);
		alert.setContentText(content);
		ButtonType act = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
		ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
		alert.getButtonTypes().setAll(act, cancel);
		alert.getDialogPane().setId(id + "-dialog");
		followStyles(alert.getDialogPane().getStylesheets(), owner);
		Button actButton = (Button) alert.getDialogPane().lookupButton(act);
		actButton.setId(id + "-confirm");
		actButton.setDefaultButton(false);
		actButton.setAccessibleText(action);
		Button cancelButton = (Button) alert.getDialogPane().lookupButton(cancel);
		cancelButton.setId(id + "-cancel");
		cancelButton.setDefaultButton(true);
		cancelButton.setAccessibleText("Cancel: " + action.toLowerCase(java.util.Locale.ROOT) + " will not happen");
		alert.setOnHidden(e -> {
			if (alert.getResult() == act) {
				onConfirm.run();
			}
		});
		alert.show();
		cancelButton.requestFocus();
		return alert;
	}
}
