package dev.amk.ui.connections;

import dev.amk.cloud.AwsAccount;
import javafx.beans.Observable;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Consumer;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * The Add dialog's fields for an AWS account: access key id, secret access key and session token (both masked), default
 * region, the role each agent's session assumes, and "Import" of one profile of the AWS credentials file, as
 * {@code amk connection add --provider aws [--from-profile P]} takes them. The keychain item is {@link AwsAccount}'s,
 * whose rules are the only ones applied; imported keys land in the masked fields, the file is never changed.
 */
final class AwsKeyFields {
	final TextField keyId = new TextField();
	final PasswordField secret = new PasswordField();
	final PasswordField token = new PasswordField();
	final TextField region = new TextField();
	final TextField roleArn = new TextField();
	final TextField profile = new TextField();
	private final Button importButton = new Button("Import");
	private final Label imported = hint("");
	private final VBox pane;
	/** The profile the fields hold the keys of, while they still hold exactly those keys; null otherwise. */
	private String importedProfile;
	private String importedKeyId;

	/** @param problem where a failed import is reported */
	AwsKeyFields(ConnectionsModel model, Consumer<String> problem) {
		keyId.setId("aws-access-key-id");
		keyId.setAccessibleText("AWS access key ID, AKIA… or ASIA…");
		keyId.setPromptText("AKIA…");
		secret.setId("aws-secret-access-key");
		secret.setAccessibleText("AWS secret access key. It is stored in your OS keychain and never shown again.");
		secret.setPromptText("paste the secret access key");
		token.setId("aws-session-token");
		token.setAccessibleText("AWS session token, only for temporary keys");
		token.setPromptText("only for temporary keys (ASIA…)");
		region.setId("aws-region");
		region.setAccessibleText("Default region, us-east-1 if empty");
		region.setPromptText(AwsAccount.DEFAULT_REGION);
		roleArn.setId("aws-role-arn");
		roleArn.setAccessibleText("IAM role each agent's session assumes, optional");
		roleArn.setPromptText("optional: arn:aws:iam::123456789012:role/agents");
		profile.setId("aws-profile");
		profile.setAccessibleText("Profile of the AWS credentials file to import the keys from");
		profile.setPromptText("default");
		importButton.setId("aws-import");
		importButton.setAccessibleText("Import the keys of this profile from " + model.awsCredentialsFile());
		imported.setId("aws-imported");
		imported.visibleProperty().bind(imported.textProperty().isNotEmpty());
		imported.managedProperty().bind(imported.visibleProperty());

		importButton.setOnAction(e -> {
			String asked = profile.getText();
			importButton.setDisable(true);
			model.importAwsProfile(asked).whenComplete((account, failure) -> {
				importButton.setDisable(false);
				if (failure != null) {
					problem.accept(ConnectionsModel.describe(failure, null));
					return;
				}
				keyId.setText(account.accessKeyId());
				secret.setText(account.secretAccessKey());
				token.setText(account.sessionToken() == null ? "" : account.sessionToken());
				importedProfile = asked.isBlank() ? "default" : asked.strip();
				importedKeyId = account.accessKeyId();
				imported.setText("Imported the keys of [" + importedProfile + "]. After saving, remove the plaintext copy from the file:"
						+ " this window says how.");
			});
		});
		// Keys typed over the imported ones are no longer the profile's: nothing to remove from the file then.
		keyId.textProperty().addListener((o, before, now) -> {
			if (importedKeyId != null && !importedKeyId.equals(now)) {
				importedProfile = null;
				importedKeyId = null;
				imported.setText("");
			}
		});

		HBox importRow = new HBox(8, profile, importButton);
		importRow.setAlignment(Pos.CENTER_LEFT);
		HBox.setHgrow(profile, Priority.ALWAYS);
		pane = new VBox(8,
				row("Key ID", keyId),
				row("Secret key", secret), indented(hint("Stored in your OS keychain; agents never get it, not even a temporary key: the"
						+ " broker signs their requests.")),
				row("Token", token),
				row("Region", region),
				row("Role ARN", roleArn), indented(hint("Each agent's session assumes this role. Empty: a federation token with the keys'"
						+ " own permissions, narrowed by each grant.")),
				row("Profile", importRow), indented(hint("Reads aws_access_key_id and aws_secret_access_key of this profile from "
						+ model.awsCredentialsFile() + ", like 'amk connection add --from-profile'. The file is not changed.")),
				indented(imported));
		pane.setId("aws-fields");
	}

	Node pane() {
		return pane;
	}

	/** The keychain item the fields describe; {@link AwsAccount}'s rules refuse what is wrong, naming these fields. */
	String keychainItem() {
		return new AwsAccount(keyId.getText(), secret.getText(), token.getText(), region.getText(), roleArn.getText()).toSecret();
	}

	/** The profile whose keys were saved, for the removal hint; null when the keys were typed. */
	String importedProfile() {
		return importedProfile;
	}

	List<Observable> edits() {
		return List.of(keyId.textProperty(), secret.textProperty(), token.textProperty(), region.textProperty(), roleArn.textProperty());
	}

	void clearSecrets() {
		secret.clear();
		token.clear();
	}
}
