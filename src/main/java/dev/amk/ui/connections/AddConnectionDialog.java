package dev.amk.ui.connections;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.ui.common.FieldLabels;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.function.Consumer;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * "Add API key": provider, name, the key (masked), an optional base URL (required for a custom API, which also
 * says in which header the key goes), a Test button that tries the key before anything is saved, and Save.
 * Both run in the background; problems are reported inline, in words that say what to fix. The key field is
 * cleared when the dialog closes, however it closes.
 */
public final class AddConnectionDialog {
	private final ConnectionsModel model;
	private final Consumer<Connection> onSaved;
	private final Stage stage = new Stage();
	private final ComboBox<ProviderSpec> provider = new ComboBox<>();
	private final TextField name = new TextField();
	private final PasswordField secret = new PasswordField();
	private final TextField baseUrl = new TextField();
	private final TextField headerName = new TextField("Authorization");
	private final TextField headerFormat = new TextField("Bearer {secret}");
	private final Label testResult = new Label();
	private final Label error = new Label();
	private final Button test = new Button("Test");
	private final Button save = new Button("Save");
	private final BooleanProperty testing = new SimpleBooleanProperty();
	private final BooleanProperty saving = new SimpleBooleanProperty();
	/** Bumped on every edit, so that a test result for what the fields held a moment ago is not shown as current. */
	private long edits;
	/** The name the dialog filled in itself; a name the person typed is never overwritten. */
	private String suggestedName;

	public AddConnectionDialog(Window owner, ConnectionsModel model, Consumer<Connection> onSaved) {
		this.model = model;
		this.onSaved = onSaved;

		// Google and generic OAuth APIs take only tokens the broker must refresh: they have their own Connect buttons.
		// Cloud accounts (AWS keys, a Google service-account file) take their secret in a form this one field cannot hold:
		// they are added with 'amk connection add' until the app has their own form.
		provider.getItems().setAll(Providers.withApiKeys().stream().filter(p -> !p.signsRequests()).toList());
		provider.setId("provider");
		provider.setAccessibleText("Provider");
		provider.setCellFactory(v -> new ProviderCell());
		provider.setButtonCell(new ProviderCell());
		provider.setMaxWidth(Double.MAX_VALUE);

		name.setId("connection-name");
		name.setAccessibleText("Connection name");
		name.setPromptText("for example openai");

		secret.setId("connection-secret");
		secret.setAccessibleText("API key. It is stored in your OS keychain and never shown again.");
		secret.setPromptText("paste the key");

		baseUrl.setId("base-url");
		baseUrl.setAccessibleText("Base URL, optional for known providers");

		headerName.setId("header-name");
		headerName.setAccessibleText("Header that carries the key");
		headerFormat.setId("header-format");
		headerFormat.setAccessibleText("Header value; {secret} stands for the key, for example Bearer {secret}");

		test.setId("test-connection");
		test.setAccessibleText("Test the key: make one request to the provider with it, before saving");
		test.disableProperty().bind(testing.or(saving));
		test.setOnAction(e -> runTest());

		testResult.setId("test-result");
		testResult.setWrapText(true);
		testResult.setMaxWidth(Double.MAX_VALUE);
		testResult.accessibleTextProperty().bind(testResult.textProperty());
		HBox.setHgrow(testResult, Priority.ALWAYS);

		error.setId("add-error");
		error.setWrapText(true);
		error.getStyleClass().add("error-text");
		error.accessibleTextProperty().bind(error.textProperty());
		error.visibleProperty().bind(error.textProperty().isNotEmpty());
		error.managedProperty().bind(error.visibleProperty());

		save.setId("save-connection");
		save.setAccessibleText("Save the connection; the key goes to your OS keychain");
		save.setDefaultButton(true);
		save.disableProperty().bind(saving);
		save.setOnAction(e -> runSave());
		Button cancel = new Button("Cancel");
		cancel.setId("cancel-add-connection");
		cancel.setAccessibleText("Close without saving");
		cancel.setCancelButton(true);
		cancel.setOnAction(e -> stage.close());

		Label keyHint = hint("Stored in your OS keychain. Agents never see it; they get their own amk_ keys.");
		Label baseHint = hint("");
		Node headerRow = row("Header", headerName);
		Node formatRow = row("Value", headerFormat);
		Label formatHint = hint("{secret} stands for the key, for example Bearer {secret}. For a query parameter or HTTP Basic,"
				+ " use 'amk connection add' on the command line.");
		for (Node customOnly : new Node[] {headerRow, formatRow, formatHint}) {
			customOnly.visibleProperty().bind(provider.valueProperty().map(p -> p.defaultInjection() == null).orElse(false));
			customOnly.managedProperty().bind(customOnly.visibleProperty());
		}

		provider.valueProperty().addListener((o, before, chosen) -> {
			if (suggestedName == null || name.getText().isBlank() || name.getText().equals(suggestedName)) {
				name.setText(chosen.id());
				suggestedName = chosen.id();
			}
			boolean custom = chosen.defaultBaseUrl() == null;
			baseUrl.setPromptText(custom ? "required: https://api.example.com/v1" : chosen.defaultBaseUrl());
			baseHint.setText(custom ? "The root of the API. Plain http only for a service on this machine."
					: "Leave empty for " + chosen.defaultBaseUrl() + "; give another address for a proxy, Azure or a self-hosted endpoint.");
		});
		provider.setValue(provider.getItems().getFirst());
		for (javafx.beans.Observable field : java.util.List.<javafx.beans.Observable>of(provider.valueProperty(), name.textProperty(),
				secret.textProperty(), baseUrl.textProperty(), headerName.textProperty(), headerFormat.textProperty())) {
			field.addListener(o -> {
				edits++;
				testResult.setText("");
			});
		}

		HBox testRow = new HBox(10, test, testResult);
		testRow.setAlignment(Pos.CENTER_LEFT);
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox buttons = new HBox(8, spacer, cancel, save);
		VBox form = new VBox(8,
				row("Provider", provider),
				row("Name", name), indented(hint("Agents reach the account through the broker at /NAME/…")),
				row("API key", secret), indented(keyHint),
				row("Base URL", baseUrl), indented(baseHint),
				headerRow, formatRow, indented(formatHint),
				testRow, error, buttons);
		form.setId("add-connection-dialog");
		form.setPadding(new Insets(14));
		form.setPrefWidth(520);

		form.getStylesheets().add(AddConnectionDialog.class.getResource("connections.css").toExternalForm());
		Scene scene = new Scene(form);
		if (owner != null && owner.getScene() != null) {
			// The main window's stylesheets, light or dark as the system switches them, apply here too.
			Bindings.bindContent(scene.getStylesheets(), owner.getScene().getStylesheets());
		} else {
			scene.getStylesheets().add(AddConnectionDialog.class.getResource("/dev/amk/ui/amk.css").toExternalForm());
		}
		stage.setScene(scene);
		stage.setTitle("Add API key");
		stage.initOwner(owner);
		stage.initModality(Modality.WINDOW_MODAL);
		// However the dialog goes away (Save, Cancel, Escape, the window's close box), the key leaves the field.
		stage.setOnHidden(e -> secret.clear());
		// The custom rows, an error or a long test result make the form taller: grow with it, so Save stays in view.
		for (javafx.beans.Observable grows : java.util.List.<javafx.beans.Observable>of(provider.valueProperty(), error.textProperty(),
				testResult.textProperty())) {
			grows.addListener(o -> javafx.application.Platform.runLater(() -> {
				if (stage.isShowing()) {
					stage.sizeToScene();
				}
			}));
		}
	}

	public void show() {
		stage.show();
		provider.requestFocus();
	}

	public Stage stage() {
		return stage;
	}

	private void runTest() {
		error.setText("");
		ConnectionService.NewConnection draft;
		try {
			draft = draft();
		} catch (AmkException e) {
			showTestResult(FieldLabels.message(e), false);
			return;
		}
		long asked = edits;
		String key = secret.getText();
		testing.set(true);
		testResult.setText("Testing…");
		testResult.getStyleClass().setAll("label", "secondary");
		model.test(draft, key).whenComplete((result, failure) -> {
			testing.set(false);
			if (asked != edits) {
				return; // the fields changed while the request ran: this answer is about something else
			}
			if (result != null) {
				showTestResult(result.message(), result.ok());
			} else {
				showTestResult(ConnectionsModel.describe(failure, key), false);
			}
		});
	}

	private void runSave() {
		ConnectionService.NewConnection request;
		try {
			request = draft();
		} catch (AmkException e) {
			error.setText(FieldLabels.message(e));
			return;
		}
		error.setText("");
		String key = secret.getText();
		saving.set(true);
		model.add(request, key).whenComplete((added, failure) -> {
			saving.set(false);
			if (failure != null) {
				error.setText(ConnectionsModel.describe(failure, key));
				return;
			}
			secret.clear();
			stage.close();
			onSaved.accept(added);
		});
	}

	/**
	 * The connection as the fields describe it. Nothing is checked here: Test and Save apply the service's rules
	 * ({@link ConnectionService#upstreamOf}, {@link ConnectionService#requireUsableSecret}) and their refusals are
	 * worded with this dialog's labels.
	 */
	private ConnectionService.NewConnection draft() {
		ProviderSpec p = provider.getValue();
		String base = baseUrl.getText().strip();
		Injection injection = p.defaultInjection() == null ? new Injection.Header(headerName.getText().strip(), headerFormat.getText().strip()) : null;
		return new ConnectionService.NewConnection(name.getText().strip(), p, base.isEmpty() ? null : base, injection);
	}

	private void showTestResult(String text, boolean ok) {
		testResult.setText(text);
		testResult.getStyleClass().setAll("label", ok ? "test-ok" : "error-text");
	}


	/** Shows a provider by its display name, such as "Google Gemini". */
	private static final class ProviderCell extends ListCell<ProviderSpec> {
		@Override
		protected void updateItem(ProviderSpec p, boolean empty) {
			super.updateItem(p, empty);
			setText(empty || p == null ? null : p.displayName());
			setAccessibleText(empty || p == null ? null : p.displayName());
		}
	}
}
