package dev.amk.ui.connections;

import dev.amk.connections.ConnectionService;
import dev.amk.mcp.McpAuthorization;
import dev.amk.providers.Injection;
import dev.amk.providers.Providers;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DataFormat;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Map;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * The Add dialog's fields for a remote MCP server, as {@code amk mcp add NAME --url URL} takes them: the server's address,
 * and either MCP authorization (discovery from its 401, dynamic client registration, PKCE, the system browser; run by
 * {@link OAuthSignIn#startMcp}) or a static header for a server that takes an API key. While a sign-in runs, its step and
 * the page to approve on show here.
 */
final class McpServerFields {
	final TextField url = new TextField();
	final RadioButton signIn = new RadioButton("Sign in (OAuth)");
	final RadioButton header = new RadioButton("API key in a header");
	final TextField headerName = new TextField("Authorization");
	final TextField headerFormat = new TextField("Bearer {secret}");
	final PasswordField key = new PasswordField();
	private final VBox pane;

	McpServerFields(ConnectionsModel model, OAuthSignIn session) {
		url.setId("mcp-url");
		url.setAccessibleText("The MCP server's address: its Streamable HTTP endpoint");
		url.setPromptText("https://mcp.example.com/mcp");
		ToggleGroup how = new ToggleGroup();
		signIn.setToggleGroup(how);
		header.setToggleGroup(how);
		signIn.setId("mcp-sign-in");
		signIn.setAccessibleText("The server asks you to sign in: the broker signs in with OAuth and keeps the tokens fresh");
		header.setId("mcp-static-header");
		header.setAccessibleText("The server takes an API key in a header");
		signIn.setSelected(true);
		headerName.setId("mcp-header-name");
		headerName.setAccessibleText("Header that carries the key");
		headerFormat.setId("mcp-header-format");
		headerFormat.setAccessibleText("Header value; {secret} stands for the key, for example Bearer {secret}");
		key.setId("mcp-key");
		key.setAccessibleText("The server's API key. It is stored in your OS keychain and never shown again.");
		key.setPromptText("paste the key");

		HBox choice = new HBox(16, signIn, header);
		choice.setAlignment(Pos.CENTER_LEFT);
		Label signInHint = hint("Save opens your browser at the server's sign-in page: the broker finds it from the server's answer,"
				+ " registers itself there and keeps the tokens in your OS keychain, as 'amk mcp add' does.");
		VBox signInPart = new VBox(8, indented(signInHint));
		VBox headerPart = new VBox(8, row("Header", headerName), row("Value", headerFormat), row("API key", key),
				indented(hint("{secret} stands for the key. Stored in your OS keychain; agents never see it.")));
		show(signInPart, signIn.selectedProperty());
		show(headerPart, header.selectedProperty());

		// --- a sign-in under way: the step, the page to approve on ------------------------------------------------------
		ProgressIndicator spinner = new ProgressIndicator();
		spinner.setPrefSize(22, 22);
		spinner.setAccessibleText("Signing in");
		Label step = new Label();
		step.setId("mcp-step");
		step.setWrapText(true);
		step.textProperty().bind(session.stepProperty());
		step.accessibleTextProperty().bind(session.stepProperty());
		HBox stepRow = new HBox(10, spinner, step);
		stepRow.setAlignment(Pos.CENTER_LEFT);
		TextField link = new TextField();
		link.setId("mcp-link");
		link.setEditable(false);
		link.setAccessibleText("The page where you approve the connection");
		link.textProperty().bind(session.authorizationUrlProperty());
		HBox.setHgrow(link, Priority.ALWAYS);
		Button copy = new Button("Copy");
		copy.setId("copy-mcp-link");
		copy.setAccessibleText("Copy the approval link to the clipboard");
		copy.setOnAction(e -> {
			if (link.getText() != null && !link.getText().isEmpty()) {
				Clipboard.getSystemClipboard().setContent(Map.of(DataFormat.PLAIN_TEXT, link.getText()));
			}
		});
		Button open = new Button("Open again");
		open.setId("open-mcp-link");
		open.setAccessibleText("Open the approval page in your browser again");
		open.setOnAction(e -> model.openInBrowser(link.getText()));
		Label linkHint = hint("");
		linkHint.textProperty().bind(Bindings.when(session.browserOpenedProperty())
				.then("Approve in the browser window that opened. If none did, copy the link into your browser.")
				.otherwise("No browser could be opened here: copy the link into your browser."));
		VBox linkBox = new VBox(4, new HBox(8, link, copy, open), linkHint);
		show(linkBox, session.authorizationUrlProperty().isNotNull());
		VBox progress = new VBox(10, stepRow, linkBox);
		progress.setId("mcp-progress");
		progress.getStyleClass().add("oauth-progress");
		show(progress, Bindings.createBooleanBinding(session::isRunning, session.phaseProperty()));

		VBox form = new VBox(8, row("Server URL", url), row("Access", choice), signInPart, headerPart);
		form.disableProperty().bind(Bindings.createBooleanBinding(session::isRunning, session.phaseProperty()));
		pane = new VBox(8, form, progress);
		pane.setId("mcp-fields");
	}

	Node pane() {
		return pane;
	}

	boolean signsIn() {
		return signIn.isSelected();
	}

	/** A server that takes an API key: a connection of provider mcp with the header as given; the service checks it. */
	ConnectionService.NewConnection withHeader(String name) {
		String base = url.getText().strip();
		return new ConnectionService.NewConnection(name, Providers.MCP, base.isEmpty() ? null : base,
				new Injection.Header(headerName.getText().strip(), headerFormat.getText().strip()));
	}

	/** MCP authorization as 'amk mcp add NAME --url URL' asks for it: dynamic registration, scopes from the server, the browser. */
	McpAuthorization.Request signInRequest(String name) {
		return new McpAuthorization.Request(name, url.getText().strip(), null, null, null, true, false);
	}

	List<Observable> edits() {
		return List.of(url.textProperty(), signIn.selectedProperty(), headerName.textProperty(), headerFormat.textProperty(), key.textProperty());
	}

	void clearSecrets() {
		key.clear();
	}

	private static void show(Node n, javafx.beans.value.ObservableValue<Boolean> when) {
		n.visibleProperty().bind(when);
		n.managedProperty().bind(n.visibleProperty());
	}
}
