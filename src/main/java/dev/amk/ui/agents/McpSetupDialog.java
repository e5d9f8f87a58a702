package dev.amk.ui.agents;

import dev.amk.mcp.ClientSetup;
import dev.amk.mcp.McpSetupService;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * "Set up an MCP client…" on an agent: pick Claude Code, Claude Desktop, Codex or Cursor, see the change
 * {@link ClientSetup} would make to its file, and apply it on confirm. Everything it shows and does comes from
 * {@link McpSetupService}, which {@code amk mcp setup} runs too: a backup first, the rest of the file kept, a file it cannot
 * parse left alone. The key: the agent's current one, pasted (the broker keeps only hashes), or a new one written only
 * into the file. Ids: {@code mcp-client}, {@code mcp-file}, {@code mcp-key-new}, {@code mcp-key-current}, {@code mcp-key},
 * {@code mcp-preview}, {@code mcp-diff}, {@code mcp-status}, {@code mcp-apply}, {@code mcp-close}.
 */
final class McpSetupDialog extends BorderPane {
	private static final double WIDTH = 700;

	private final AgentActions actions;
	private final McpSetupService setup;
	private final String agent;
	private final Stage stage;
	private final ChoiceBox<ClientSetup.Client> client = new ChoiceBox<>();
	private final TextField file = new TextField();
	private final RadioButton newKey = new RadioButton("A new key, written only into the file (its current key stops working at once)");
	private final RadioButton currentKey = new RadioButton("Its current key:");
	private final PasswordField key = new PasswordField();
	private final Button preview = new Button("Show the change");
	private final TextArea diff = new TextArea();
	private final Label status = new Label();
	private final Button apply = new Button("Apply");
	private final Button close = new Button("Close");
	private final BooleanProperty busy = new SimpleBooleanProperty();
	/** Whether the diff on screen is for what the fields say now, and changes something: only then may it be applied. */
	private final BooleanProperty previewCurrent = new SimpleBooleanProperty();

	private McpSetupDialog(Stage stage, AgentActions actions, McpSetupService setup, String agent) {
		this.stage = stage;
		this.actions = actions;
		this.setup = setup;
		this.agent = agent;
		setPadding(new Insets(14));

		Label heading = new Label("Set up an MCP client for '" + agent + "'");
		heading.setId("mcp-setup-heading");
		heading.getStyleClass().add("agent-name");
		heading.setStyle("-fx-font-size: 15px;");
		Label intro = new Label("Writes the client's MCP configuration so that it reaches each MCP server '" + agent + "' is granted through the"
				+ " broker, with the agent's key. A backup of the file is made first and the rest of it is kept; a file that cannot be read"
				+ " safely is left alone. Show the change, then apply it.");
		intro.setWrapText(true);

		client.setId("mcp-client");
		client.getItems().setAll(ClientSetup.Client.values());
		client.setConverter(new StringConverter<>() {
			@Override
			public String toString(ClientSetup.Client c) {
				return c == null ? "" : c.displayName();
			}

			@Override
			public ClientSetup.Client fromString(String s) {
				throw new UnsupportedOperationException("choices are picked, not typed");
			}
		});
		client.setAccessibleText("MCP client to set up");
		client.valueProperty().addListener((o, was, now) -> file.setText(now == null ? "" : setup.defaultFile(now).toString()));
		client.setValue(ClientSetup.Client.CLAUDE_CODE);
		file.setId("mcp-file");
		file.setAccessibleText("The client's configuration file");
		file.setTooltip(new Tooltip("The client's user-level file; change it for another file, such as a project's .mcp.json."));
		HBox.setHgrow(file, Priority.ALWAYS);
		HBox clientRow = new HBox(8, new Label("Client"), client, new Label("File"), file);
		clientRow.setAlignment(Pos.CENTER_LEFT);

		ToggleGroup keys = new ToggleGroup();
		newKey.setId("mcp-key-new");
		newKey.setToggleGroup(keys);
		newKey.setSelected(true);
		currentKey.setId("mcp-key-current");
		currentKey.setToggleGroup(keys);
		key.setId("mcp-key");
		key.setPromptText("amk_…");
		key.setAccessibleText("The agent's current key");
		key.disableProperty().bind(currentKey.selectedProperty().not());
		HBox.setHgrow(key, Priority.ALWAYS);
		HBox currentRow = new HBox(8, currentKey, key);
		currentRow.setAlignment(Pos.CENTER_LEFT);
		Label keyHint = new Label("The broker keeps keys only as hashes, so it cannot write the current key by itself: paste it, or let it make a new one.");
		keyHint.setWrapText(true);
		keyHint.getStyleClass().add("secondary");

		diff.setId("mcp-diff");
		diff.setEditable(false);
		diff.setPrefRowCount(14);
		diff.setStyle("-fx-font-family: monospace;");
		diff.setAccessibleText("The change to the file: lines starting with + are added, with - removed");
		status.setId("mcp-status");
		status.setWrapText(true);

		VBox form = new VBox(10, heading, intro, clientRow, newKey, currentRow, keyHint, diff, status);
		setCenter(form);

		preview.setId("mcp-preview");
		preview.setDefaultButton(true);
		preview.setOnAction(e -> preview());
		preview.disableProperty().bind(busy);
		apply.setId("mcp-apply");
		apply.setAccessibleText("Write the change into the file");
		apply.setOnAction(e -> apply());
		apply.disableProperty().bind(busy.or(previewCurrent.not()));
		close.setId("mcp-close");
		close.setCancelButton(true);
		close.setOnAction(e -> stage.close());
		close.disableProperty().bind(busy);
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox bar = new HBox(8, spacer, close, preview, apply);
		bar.setPadding(new Insets(12, 0, 0, 0));
		setBottom(bar);

		// A diff is for the inputs it was made from: any change makes it stale, and Apply waits for a new one.
		client.valueProperty().addListener((o, was, now) -> stale());
		file.textProperty().addListener((o, was, now) -> stale());
		keys.selectedToggleProperty().addListener((o, was, now) -> stale());
		key.textProperty().addListener((o, was, now) -> stale());
		stage.setOnCloseRequest(e -> {
			if (busy.get()) {
				e.consume(); // a write (and perhaps a rotation) is under way: its outcome must be seen
			}
		});
		stage.setOnHidden(e -> key.clear());
	}

	/** Opens the dialog for {@code agent} over {@code owner}. */
	static Stage open(Window owner, AgentActions actions, String agent) {
		Stage stage = AgentDialogs.stage(owner, "Set up an MCP client: " + agent, new Region());
		McpSetupDialog dialog = new McpSetupDialog(stage, actions, actions.mcpSetup(), agent);
		stage.getScene().setRoot(dialog);
		AgentDialogs.fit(stage, dialog, WIDTH);
		stage.show();
		dialog.client.requestFocus();
		return stage;
	}

	private void stale() {
		previewCurrent.set(false);
	}

	private void preview() {
		Inputs in = inputs();
		if (in == null) {
			return;
		}
		busy.set(true);
		status.setText("Reading " + in.file + "…");
		actions.inBackground(() -> setup.preview(in.client, agent, in.file, actions.proxyPort(), in.key)).whenComplete((outcome, failure) -> {
			busy.set(false);
			if (failure != null) {
				diff.clear();
				error(AgentActions.message(failure));
				return;
			}
			diff.setText(outcome.diff());
			String servers = String.join(", ", outcome.servers().stream().map(ClientSetup.Server::name).toList());
			if (!outcome.result().changed()) {
				ok(in.client.displayName() + " already reaches " + servers + " through the broker in " + in.file + "; nothing to change.");
				return;
			}
			ok((java.nio.file.Files.exists(in.file) ? "This change to " + in.file + " makes " : "This new file " + in.file + " makes ")
					+ in.client.displayName() + " reach " + servers + " through the broker." + (in.key == null ? " Apply gives '" + agent
					+ "' a new key, written only into the file: whatever uses its current key stops working." : "") + " Apply to write it.");
			previewCurrent.set(true);
		});
	}

	private void apply() {
		Inputs in = inputs();
		if (in == null) {
			return;
		}
		busy.set(true);
		status.setText("Writing " + in.file + "…");
		actions.inBackground(() -> setup.apply(in.client, agent, in.file, actions.proxyPort(), in.key)).whenComplete((outcome, failure) -> {
			busy.set(false);
			previewCurrent.set(false);
			if (failure != null) {
				error(AgentActions.message(failure));
				return;
			}
			diff.setText(outcome.diff());
			var r = outcome.result();
			ok((r.changed() ? "Wrote " + r.file() + (r.backup() == null ? "" : " (backup: " + r.backup().getFileName() + ")") + "."
					: "Nothing needed changing in " + r.file() + ".")
					+ (outcome.rotated() ? " '" + agent + "' has a new key, written only into that file; its old key no longer works." : "")
					+ " Restart " + in.client.displayName() + " to pick it up.");
		});
	}

	/** What the fields say; null (with the problem shown) when they cannot be used. */
	private Inputs inputs() {
		Path path;
		try {
			path = Path.of(file.getText().strip());
			if (file.getText().isBlank()) {
				throw new InvalidPathException("", "empty");
			}
		} catch (InvalidPathException e) {
			error("Type the path of the client's configuration file.");
			file.requestFocus();
			return null;
		}
		String k = null;
		if (currentKey.isSelected()) {
			k = key.getText().strip();
			if (k.isEmpty()) {
				error("Paste the agent's current key, or choose a new key.");
				key.requestFocus();
				return null;
			}
		}
		return new Inputs(client.getValue(), path.toAbsolutePath(), k);
	}

	private record Inputs(ClientSetup.Client client, Path file, String key) {
	}

	private void ok(String message) {
		status.getStyleClass().remove("error-text");
		status.setText(message);
		AgentDialogs.fit(stage, this, WIDTH);
	}

	private void error(String message) {
		if (!status.getStyleClass().contains("error-text")) {
			status.getStyleClass().add("error-text");
		}
		status.setText(message);
		AgentDialogs.fit(stage, this, WIDTH);
	}
}
