package dev.amk.ui.connections;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.ui.common.FieldLabels;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
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

import java.util.function.BiConsumer;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * "Add connection": the provider, the name, and what that kind of account is connected with. A pasted API key (masked),
 * an optional base URL (required for a custom API, which also says in which header the key goes); an AWS account's keys
 * ({@link AwsKeyFields}); a Google Cloud service-account key ({@link GcpKeyFields}); or a remote MCP server
 * ({@link McpServerFields}) with a static header or an OAuth sign-in. A Test button tries the credential before anything
 * is saved (a cloud account: one signed call, see {@code dev.amk.cloud.CloudAccountCheck}), and Save. Both run in the
 * background; problems are reported inline, in the services' words with this dialog's labels. Secret fields are cleared
 * when the dialog closes, however it closes, and a running MCP sign-in is cancelled.
 */
public final class AddConnectionDialog {
	private final ConnectionsModel model;
	private final BiConsumer<Connection, String> onSaved;
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
	private final OAuthSignIn mcpSignIn;
	private final AwsKeyFields aws;
	private final GcpKeyFields gcp;
	private final McpServerFields mcp;
	/** Bumped on every edit, so that a test result for what the fields held a moment ago is not shown as current. */
	private long edits;
	/** The name the dialog filled in itself; a name the person typed is never overwritten. */
	private String suggestedName;

	/**
	 * @param onSaved the saved connection, and one more sentence for the person or null (how to remove the plaintext
	 *                copy of imported AWS keys)
	 */
	public AddConnectionDialog(Window owner, ConnectionsModel model, BiConsumer<Connection, String> onSaved) {
		this.model = model;
		this.onSaved = onSaved;
		this.mcpSignIn = model.newMcpSignIn();
		this.aws = new AwsKeyFields(model, error::setText);
		this.gcp = new GcpKeyFields(model, () -> stage, error::setText);
		this.mcp = new McpServerFields(model, mcpSignIn);

		// Google and generic OAuth APIs take only tokens the broker must refresh: they have their own Connect buttons.
		// Every provider that takes a key is here, cloud accounts and MCP servers included, each with the fields it needs.
		provider.getItems().setAll(Providers.withApiKeys());
		provider.setVisibleRowCount(provider.getItems().size()); // every kind in view at once, none behind a scroll
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
		BooleanBinding signingIn = Bindings.createBooleanBinding(mcpSignIn::isRunning, mcpSignIn.phaseProperty());
		test.disableProperty().bind(testing.or(saving).or(signingIn));
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
		save.disableProperty().bind(saving.or(signingIn));
		save.setOnAction(e -> runSave());
		Button cancel = new Button("Cancel");
		cancel.setId("cancel-add-connection");
		cancel.setAccessibleText("Close without saving, or stop a sign-in under way");
		cancel.setCancelButton(true);
		cancel.disableProperty().bind(mcpSignIn.phaseProperty().isEqualTo(OAuthSignIn.Phase.CANCELLING));
		cancel.setOnAction(e -> {
			if (mcpSignIn.isRunning()) {
				mcpSignIn.cancel(); // the form comes back; a second Cancel closes
			} else {
				stage.close();
			}
		});
		// The sign-in's outcome, in the form's own places: a failure as the error, a cancel as the test line's note.
		mcpSignIn.errorProperty().subscribe(text -> {
			if (!text.isEmpty()) {
				error.setText(text);
			}
		});
		mcpSignIn.noticeProperty().subscribe(text -> {
			if (!text.isEmpty()) {
				showTestResult(text, false);
			}
		});
		mcpSignIn.phaseProperty().subscribe(p -> {
			if (p == OAuthSignIn.Phase.CONNECTED) {
				stage.close();
				onSaved.accept(mcpSignIn.connectedProperty().get().connection(), null);
			}
		});

		Label keyHint = hint("Stored in your OS keychain. Agents never see it; they get their own amk_ keys.");
		Node apiKeyRow = row("API key", secret);
		Node baseRow = row("Base URL", baseUrl);
		Label baseHint = hint("");
		Node headerRow = row("Header", headerName);
		Node formatRow = row("Value", headerFormat);
		Label formatHint = hint("{secret} stands for the key, for example Bearer {secret}. For a query parameter or HTTP Basic,"
				+ " use 'amk connection add' on the command line.");
		for (Node customOnly : new Node[] {headerRow, formatRow, formatHint}) {
			customOnly.visibleProperty().bind(provider.valueProperty().map(p -> p.defaultInjection() == null).orElse(false));
			customOnly.managedProperty().bind(customOnly.visibleProperty());
		}
		// One set of credential fields at a time, the provider's kind's.
		shownFor(Kind.API_KEY, apiKeyRow, keyHint, baseRow, baseHint);
		shownFor(Kind.AWS, aws.pane());
		shownFor(Kind.GCP, gcp.pane());
		shownFor(Kind.MCP, mcp.pane());
		save.textProperty().bind(Bindings.createStringBinding(() -> signsIn() ? "Sign in…" : "Save", provider.valueProperty(),
				mcp.signIn.selectedProperty()));

		provider.valueProperty().addListener((o, before, chosen) -> {
			if (suggestedName == null || name.getText().isBlank() || name.getText().equals(suggestedName)) {
				name.setText(chosen.id());
				suggestedName = chosen.id();
			}
			stage.setTitle("Add " + switch (Kind.of(chosen)) {
				case AWS -> "AWS account";
				case GCP -> "Google Cloud service account";
				case MCP -> "MCP server";
				case API_KEY -> "API key";
			});
			boolean custom = chosen.defaultBaseUrl() == null;
			baseUrl.setPromptText(custom ? "required: https://api.example.com/v1" : chosen.defaultBaseUrl());
			baseHint.setText(custom ? "The root of the API. Plain http only for a service on this machine."
					: "Leave empty for " + chosen.defaultBaseUrl() + "; give another address for a proxy, Azure or a self-hosted endpoint.");
		});
		provider.setValue(provider.getItems().getFirst());
		java.util.List<javafx.beans.Observable> fields = new java.util.ArrayList<>(java.util.List.of(provider.valueProperty(), name.textProperty(),
				secret.textProperty(), baseUrl.textProperty(), headerName.textProperty(), headerFormat.textProperty()));
		fields.addAll(aws.edits());
		fields.addAll(gcp.edits());
		fields.addAll(mcp.edits());
		for (javafx.beans.Observable field : fields) {
			field.addListener(o -> {
				edits++;
				testResult.setText("");
			});
		}

		HBox testRow = new HBox(10, test, testResult);
		testRow.setAlignment(Pos.CENTER_LEFT);
		// A sign-in is its own test: it either stores working tokens or says why not.
		test.visibleProperty().bind(Bindings.createBooleanBinding(() -> !signsIn(), provider.valueProperty(), mcp.signIn.selectedProperty()));
		test.managedProperty().bind(test.visibleProperty());
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox buttons = new HBox(8, spacer, cancel, save);
		VBox form = new VBox(8,
				row("Provider", provider),
				row("Name", name), indented(hint("Agents reach the account through the broker at /NAME/…")),
				apiKeyRow, indented(keyHint),
				baseRow, indented(baseHint),
				headerRow, formatRow, indented(formatHint),
				aws.pane(), gcp.pane(), mcp.pane(),
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
		stage.initOwner(owner);
		stage.initModality(Modality.WINDOW_MODAL);
		// However the dialog goes away (Save, Cancel, Escape, the window's close box), the keys leave the fields, and a
		// sign-in nobody watches any more must not finish by itself later.
		stage.setOnHidden(e -> {
			mcpSignIn.cancel();
			clearSecrets();
		});
		// The custom rows, an error or a long test result make the form taller: grow with it, so Save stays in view.
		for (javafx.beans.Observable grows : java.util.List.<javafx.beans.Observable>of(provider.valueProperty(), error.textProperty(),
				testResult.textProperty(), mcp.signIn.selectedProperty(), mcpSignIn.phaseProperty(), mcpSignIn.authorizationUrlProperty())) {
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
		String key;
		try {
			draft = draft();
			key = credential();
		} catch (AmkException e) {
			showTestResult(FieldLabels.message(e), false);
			return;
		}
		long asked = edits;
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
		if (signsIn()) {
			// MCP authorization stores the connection itself once the person approves; its progress shows in the MCP fields.
			error.setText("");
			testResult.setText("");
			mcpSignIn.startMcp(mcp.signInRequest(name.getText().strip()));
			return;
		}
		ConnectionService.NewConnection request;
		String key;
		try {
			request = draft();
			key = credential();
		} catch (AmkException e) {
			error.setText(FieldLabels.message(e));
			return;
		}
		error.setText("");
		String importedProfile = Kind.of(request.provider()) == Kind.AWS ? aws.importedProfile() : null;
		saving.set(true);
		model.add(request, key).whenComplete((added, failure) -> {
			saving.set(false);
			if (failure != null) {
				error.setText(ConnectionsModel.describe(failure, key));
				return;
			}
			clearSecrets();
			stage.close();
			onSaved.accept(added, importedProfile == null ? null : model.awsProfileRemovalHint(importedProfile));
		});
	}

	/**
	 * The connection as the fields describe it. Nothing is checked here: Test and Save apply the service's rules
	 * ({@link ConnectionService#upstreamOf}, {@link ConnectionService#requireUsableSecret}) and their refusals are
	 * worded with this dialog's labels.
	 */
	private ConnectionService.NewConnection draft() {
		ProviderSpec p = provider.getValue();
		String n = name.getText().strip();
		return switch (Kind.of(p)) {
			case AWS, GCP -> new ConnectionService.NewConnection(n, p, null, null);
			case MCP -> mcp.withHeader(n);
			case API_KEY -> {
				String base = baseUrl.getText().strip();
				Injection injection = p.defaultInjection() == null ? new Injection.Header(headerName.getText().strip(), headerFormat.getText().strip()) : null;
				yield new ConnectionService.NewConnection(n, p, base.isEmpty() ? null : base, injection);
			}
		};
	}

	/** What goes to the keychain: the key as typed, or a cloud account's item built (and checked) by its service's rules. */
	private String credential() {
		return switch (Kind.of(provider.getValue())) {
			case AWS -> aws.keychainItem();
			case GCP -> gcp.keychainItem();
			case MCP -> mcp.key.getText();
			case API_KEY -> secret.getText();
		};
	}

	/** A static header, or an MCP server that signs in: then Save starts the sign-in and Test has nothing to try. */
	private boolean signsIn() {
		return Kind.of(provider.getValue()) == Kind.MCP && mcp.signsIn();
	}

	private void clearSecrets() {
		secret.clear();
		aws.clearSecrets();
		gcp.clearSecrets();
		mcp.clearSecrets();
	}

	private void shownFor(Kind kind, Node... nodes) {
		for (Node n : nodes) {
			n.visibleProperty().bind(provider.valueProperty().map(p -> Kind.of(p) == kind).orElse(false));
			n.managedProperty().bind(n.visibleProperty());
		}
	}

	/** The kinds of account the dialog has fields for. */
	enum Kind {
		API_KEY, AWS, GCP, MCP;

		static Kind of(ProviderSpec p) {
			if (p == Providers.AWS) {
				return AWS;
			}
			if (p == Providers.GCP) {
				return GCP;
			}
			return p != null && p.speaksMcp() ? MCP : API_KEY;
		}
	}

	private void showTestResult(String text, boolean ok) {
		// The style first: whoever reacts to the new text (a screen reader, a test) finds it already in its colour.
		testResult.getStyleClass().setAll("label", ok ? "test-ok" : "error-text");
		testResult.setText(text);
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
