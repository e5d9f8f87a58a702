package dev.amk.ui.connections;

import dev.amk.cloud.GcpServiceAccount;
import javafx.beans.Observable;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * The Add dialog's field for a Google Cloud service account: the key file's JSON, chosen with a file chooser or pasted
 * (masked either way), as {@code amk connection add --provider gcp} takes it on stdin. Whether it is a usable key is
 * {@link GcpServiceAccount}'s question, asked on Test and Save.
 */
final class GcpKeyFields {
	final PasswordField key = new PasswordField();
	private final Button choose = new Button("Choose file…");
	private final Label loaded = hint("");
	private final VBox pane;

	/**
	 * @param owner   the dialog's window, which the file chooser belongs to
	 * @param problem where an unreadable file is reported
	 */
	GcpKeyFields(ConnectionsModel model, Supplier<Window> owner, Consumer<String> problem) {
		key.setId("gcp-key");
		key.setAccessibleText("Service-account key: the JSON key file's contents. Stored in your OS keychain and never shown again.");
		key.setPromptText("choose the key file, or paste its contents");
		choose.setId("gcp-choose-file");
		choose.setAccessibleText("Choose the service-account key file (JSON)");
		loaded.setId("gcp-loaded");
		loaded.visibleProperty().bind(loaded.textProperty().isNotEmpty());
		loaded.managedProperty().bind(loaded.visibleProperty());
		choose.setOnAction(e -> {
			FileChooser chooser = new FileChooser();
			chooser.setTitle("Service-account key file");
			chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("JSON key file", "*.json"),
					new FileChooser.ExtensionFilter("Any file", "*"));
			File file = chooser.showOpenDialog(owner.get());
			if (file != null) {
				model.readKeyFile(file.toPath()).whenComplete((text, failure) -> {
					if (failure != null) {
						problem.accept(ConnectionsModel.describe(failure, null));
						return;
					}
					key.setText(text);
					loaded.setText("Loaded " + file.getName() + ".");
				});
			}
		});
		key.textProperty().addListener((o, before, now) -> {
			if (now.isEmpty()) {
				loaded.setText("");
			}
		});
		HBox keyRow = new HBox(8, key, choose);
		keyRow.setAlignment(Pos.CENTER_LEFT);
		HBox.setHgrow(key, Priority.ALWAYS);
		pane = new VBox(8, row("Key file", keyRow), indented(loaded),
				indented(hint("The JSON key the Google Cloud console downloads (IAM & Admin → Service accounts → Keys). It goes to your OS"
						+ " keychain; agents get short-lived access tokens for the scopes of their grant, never the key. You can delete the"
						+ " downloaded file afterwards.")));
		pane.setId("gcp-fields");
	}

	Node pane() {
		return pane;
	}

	/** The keychain item: the key's fields that mint tokens, as {@link GcpServiceAccount} keeps them; its refusals name this field. */
	String keychainItem() {
		return GcpServiceAccount.fromJson(key.getText()).toSecret();
	}

	List<Observable> edits() {
		return List.of(key.textProperty());
	}

	void clearSecrets() {
		key.clear();
	}
}
