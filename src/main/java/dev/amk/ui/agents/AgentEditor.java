package dev.amk.ui.agents;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.agents.GrantRule;
import dev.amk.agents.PathGlob;
import dev.amk.agents.ToolGlob;
import dev.amk.common.AmkException;
import dev.amk.common.Durations;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput;
import dev.amk.connections.Connection;
import dev.amk.ui.common.FieldLabels;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The form behind New agent… and Edit grants…: a name (fixed when editing), one row per connection (grant it or
 * not, and how: full, read-only, or chosen methods and paths), and an optional expiry. It checks what it can
 * on the spot, with the same parsers as the CLI, and shows each problem next to its field; saving runs in the
 * background. A new agent's key then replaces the form in the same window ({@link KeyResultView}), so it is
 * shown exactly once.
 */
public final class AgentEditor extends BorderPane {

	/** How long a new key works, or whether an edit changes it. */
	enum Expiry {
		KEEP("Unchanged", null),
		NEVER("No expiry", null),
		HOUR("1 hour", Duration.ofHours(1)),
		DAY("24 hours", Duration.ofHours(24)),
		WEEK("7 days", Duration.ofDays(7)),
		MONTH("30 days", Duration.ofDays(30)),
		CUSTOM("Custom…", null);

		final String label;
		final Duration duration;

		Expiry(String label, Duration duration) {
			this.label = label;
			this.duration = duration;
		}
	}

	private static final double WIDTH = 720;
	private static final double PADDING = 14;

	private static final Map<GrantRule.Preset, String> PRESET_LABELS = Map.of(
			GrantRule.Preset.FULL, "Full access",
			GrantRule.Preset.READ, "Read-only",
			GrantRule.Preset.CUSTOM, "Custom…");

	private final AgentActions actions;
	/** The agent being edited, as it was when the form opened; null for a new agent. */
	private final Agent original;
	private final Stage stage;
	private final TextField name = new TextField();
	private final Label nameError = errorLabel("agent-name-error");
	private final List<ConnectionRow> rows = new ArrayList<>();
	private final ChoiceBox<Expiry> expiry = new ChoiceBox<>();
	private final TextField customExpiry = new TextField();
	private final Label expiryError = errorLabel("expiry-error");
	private final Label formError = errorLabel("editor-error");
	private final Label progress = new Label();
	private final Button save = new Button();
	private final Button cancel = new Button("Cancel");
	private final BooleanProperty saving = new SimpleBooleanProperty();
	private final VBox form;
	private final LimitFields limits;
	private final ScrollPane scroll;

	private AgentEditor(Stage stage, AgentActions actions, Agent original) {
		this.stage = stage;
		this.actions = actions;
		this.original = original;
		setPadding(new Insets(PADDING));

		Label heading = new Label(original == null ? "New agent" : "Edit grants for '" + original.name() + "'");
		heading.setId("editor-heading");
		heading.getStyleClass().add("agent-name");
		heading.setStyle("-fx-font-size: 15px;");
		Label intro = new Label(original == null
				? "Name the agent, tick what it may reach, and create it. Its key is shown once, on the next screen, with setup to paste."
				: "Changes apply at once and the key stays the same. A narrower grant also ends running requests it no longer covers.");
		intro.setWrapText(true);

		limits = new LimitFields(original == null ? dev.amk.agents.AgentLimits.NONE : actions.limits(original));
		form = new VBox(12, heading, intro, nameSection(), connectionsSection(), expirySection(), limits.section());
		if (original != null) {
			form.getChildren().add(new UsageChart(actions, original).section());
		}
		scroll = new ScrollPane(form);
		scroll.setFitToWidth(true);
		scroll.setStyle("-fx-background-color: transparent;");
		setCenter(scroll);
		setBottom(buttons());
		stage.setOnCloseRequest(e -> {
			// A new agent's key arrives with the save: closing now would lose it for good.
			if (saving.get()) {
				e.consume();
			}
		});
	}

	/** Opens the form for a new agent over {@code owner}. */
	public static Stage openNew(Window owner, AgentActions actions) {
		return open(owner, "New agent", actions, null);
	}

	/** Opens the form for an existing agent; empty if it no longer exists (deleted from the CLI meanwhile). */
	public static Optional<Stage> openEdit(Window owner, AgentActions actions, String agentName) {
		return actions.agent(agentName).map(a -> open(owner, "Edit grants: " + a.name(), actions, a));
	}

	private static Stage open(Window owner, String title, AgentActions actions, Agent original) {
		Stage stage = AgentDialogs.stage(owner, title, new Region());
		AgentEditor editor = new AgentEditor(stage, actions, original);
		stage.getScene().setRoot(editor);
		editor.fitWindow();
		stage.show();
		// Keyboard users start where the work is: the name for a new agent, the first connection when editing.
		Node first = original == null ? editor.name : editor.rows.isEmpty() ? editor.save : editor.rows.getFirst().granted;
		first.requestFocus();
		return stage;
	}

	/**
	 * The whole form shows when the screen allows (a scroll pane measures its content without wrapping its
	 * labels, so it is told the wrapped height); more connections than fit scroll.
	 */
	private void fitWindow() {
		applyCss();
		double formWidth = WIDTH - 2 * PADDING - 20; // room for a vertical scroll bar
		scroll.setPrefViewportHeight(Math.min(form.prefHeight(formWidth), AgentDialogs.screenHeight() * 0.7));
		AgentDialogs.fit(stage, this, WIDTH);
	}

	// --- sections ---

	private Node nameSection() {
		Label label = new Label("_Name");
		label.setMnemonicParsing(true);
		label.setLabelFor(name);
		name.setId("agent-name");
		name.setPromptText("research-bot");
		name.setAccessibleText("Agent name");
		name.setTooltip(new Tooltip("1-64 letters, digits, '.', '_' or '-'; it names the agent in the list and the activity log."));
		if (original != null) {
			name.setText(original.name());
			name.setDisable(true); // the name is the agent's identity: to rename, create a new agent
		}
		HBox.setHgrow(name, Priority.ALWAYS);
		HBox row = new HBox(8, label, name);
		row.setAlignment(Pos.CENTER_LEFT);
		return new VBox(4, row, nameError);
	}

	private Node connectionsSection() {
		Label title = new Label("What it may reach");
		title.getStyleClass().add("agent-name");
		Label hint = new Label("Nothing is allowed unless you tick it. Read-only allows GET, HEAD and OPTIONS. Custom takes methods such as"
				+ " GET,POST and paths such as /v1/chat/** (* is one path segment, a final ** any number).");
		hint.setWrapText(true);
		hint.getStyleClass().add("secondary");
		List<Connection> connections = actions.connections();
		if (connections.isEmpty()) {
			Label none = new Label("There are no connections yet, so there is nothing to grant. Add one first, for example:"
					+ " amk connection add openai --provider openai (it reads the API key from stdin). You can create the agent now"
					+ " and grant it access later with Edit grants….");
			none.setId("no-connections");
			none.setWrapText(true);
			return new VBox(4, title, none);
		}
		// Approval rules (CONN:ask:…) sit beside a connection's grant; the form edits the grants and keeps them as they are.
		Map<String, GrantRule> current = original == null ? Map.of()
				: original.grants().stream().filter(g -> g.rule().preset() != GrantRule.Preset.ASK)
						.collect(Collectors.toMap(Grant::connection, Grant::rule));
		GridPane grid = new GridPane();
		grid.setHgap(8);
		grid.setVgap(4);
		int line = 0;
		for (Connection c : connections) {
			ConnectionRow row = new ConnectionRow(c, current.get(c.name()));
			rows.add(row);
			limits.addConnection(c.name(), row.granted.selectedProperty());
			grid.add(row.granted, 0, line);
			grid.add(row.preset, 1, line);
			grid.add(row.methods, 2, line);
			grid.add(row.paths, 3, line);
			if (row.tools != null) {
				grid.add(row.tools.box, 0, line + 1, 4, 1);
				line++;
			}
			grid.add(row.error, 0, line + 1, 4, 1);
			line += 2;
		}
		return new VBox(4, title, hint, grid);
	}

	private Node expirySection() {
		Label label = new Label("E_xpires after");
		label.setMnemonicParsing(true);
		label.setLabelFor(expiry);
		expiry.setId("expiry");
		expiry.setAccessibleText("When the key stops working");
		if (original != null) {
			expiry.getItems().add(Expiry.KEEP);
		}
		expiry.getItems().addAll(Expiry.NEVER, Expiry.HOUR, Expiry.DAY, Expiry.WEEK, Expiry.MONTH, Expiry.CUSTOM);
		expiry.setConverter(converter(e -> e == Expiry.KEEP ? keepLabel() : e.label));
		expiry.setValue(original == null ? Expiry.NEVER : Expiry.KEEP);
		customExpiry.setId("expiry-custom");
		customExpiry.setPromptText("90m, 12h, 2w or 2026-12-31T23:00:00Z");
		customExpiry.setAccessibleText("Custom expiry: a duration such as 90m, 12h or 2w, or an ISO instant");
		customExpiry.setPrefColumnCount(18);
		customExpiry.visibleProperty().bind(expiry.valueProperty().isEqualTo(Expiry.CUSTOM));
		customExpiry.managedProperty().bind(customExpiry.visibleProperty());
		HBox row = new HBox(8, label, expiry, customExpiry);
		row.setAlignment(Pos.CENTER_LEFT);
		return new VBox(4, row, expiryError);
	}

	private Node buttons() {
		save.setId("editor-save");
		save.setText(original == null ? "Create agent" : "Save changes");
		save.setDefaultButton(true);
		save.setAccessibleText(original == null ? "Create the agent and show its key" : "Save the grants and expiry");
		save.setOnAction(e -> save());
		save.disableProperty().bind(saving);
		cancel.setId("editor-cancel");
		cancel.setCancelButton(true);
		cancel.setAccessibleText(original == null ? "Cancel: no agent is created" : "Cancel: nothing changes");
		cancel.setOnAction(e -> stage.close());
		cancel.disableProperty().bind(saving);
		progress.setId("editor-progress");
		progress.getStyleClass().add("secondary");
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox bar = new HBox(8, progress, spacer, cancel, save);
		bar.setAlignment(Pos.CENTER_LEFT);
		bar.setPadding(new Insets(12, 0, 0, 0));
		return new VBox(4, formError, bar);
	}

	// --- saving ---

	private void save() {
		for (Label l : allErrorLabels()) {
			show(l, null);
		}
		Node firstProblem = null;
		String agentName = original != null ? original.name() : name.getText().strip();
		if (original == null) {
			try {
				AgentService.requireValidName(agentName);
			} catch (AmkException e) {
				show(nameError, FieldLabels.message(e));
				firstProblem = name;
			}
		}
		List<Grant> grants = new ArrayList<>();
		if (original != null) {
			original.grants().stream().filter(g -> g.rule().preset() == GrantRule.Preset.ASK).forEach(grants::add); // kept: see above
		}
		for (ConnectionRow row : rows) {
			if (!row.granted.isSelected()) {
				continue;
			}
			try {
				grants.add(row.grant());
			} catch (AmkException e) {
				show(row.error, FieldLabels.message(e));
				firstProblem = firstProblem != null ? firstProblem : row.preset.getValue() == GrantRule.Preset.CUSTOM ? row.methods : row.preset;
			}
		}
		Expiry choice = expiry.getValue();
		Instant expiresAt = null;
		try {
			expiresAt = expiryAt(choice, customExpiry.getText(), actions.clock().instant());
		} catch (AmkException e) {
			show(expiryError, FieldLabels.message(e));
			firstProblem = firstProblem != null ? firstProblem : customExpiry;
		}
		dev.amk.agents.AgentLimits.Change limitChange = null;
		try {
			limitChange = limits.change();
		} catch (AmkException e) {
			show(limits.error, e.getMessage());
			firstProblem = firstProblem != null ? firstProblem : limits.rpm;
		}
		if (firstProblem != null) {
			fitWindow(); // grow to show the messages, rather than leave some below the fold
			firstProblem.requestFocus(); // keyboard users land on what needs fixing
			return;
		}
		saving.set(true);
		progress.setText(original == null ? "Creating the agent…" : "Saving…");
		if (original == null) {
			actions.create(agentName, grants, expiresAt, limitChange).whenComplete((issued, failure) -> {
				saving.set(false);
				progress.setText("");
				if (failure != null) {
					showFailure(failure);
				} else {
					KeyResultView.showIn(stage, "Agent created", "Created agent '" + issued.agent().name() + "'", issued, actions);
				}
			});
		} else {
			actions.update(agentName, grants, choice != Expiry.KEEP, expiresAt, limitChange).whenComplete((agent, failure) -> {
				saving.set(false);
				progress.setText("");
				if (failure != null) {
					showFailure(failure);
				} else {
					stage.close();
				}
			});
		}
	}

	private void showFailure(Throwable failure) {
		Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		if (cause instanceof AmkException e && e.is(ErrorType.ALREADY_EXISTS)) {
			show(nameError, "An agent named '" + name.getText().strip() + "' already exists. Pick another name, or close this and use"
					+ " Rotate key… on it for a new key.");
			name.requestFocus();
		} else {
			show(formError, AgentActions.message(failure));
		}
		fitWindow();
	}

	// --- the pure parts, tested without a window ---

	/**
	 * The grant one row stands for. Custom takes methods and paths separated by commas or spaces; an empty
	 * methods field means any method, an empty paths field every path.
	 */
	static Grant grantFor(String connection, GrantRule.Preset preset, String methods, String paths) {
		return switch (preset) {
			case FULL -> new Grant(connection, GrantRule.FULL);
			case READ -> new Grant(connection, GrantRule.READ);
			// Not offered by the editor's choices; approval rules are kept as they are when an agent is edited.
			case ASK -> new Grant(connection, GrantRule.parse("ask:" + (list(methods).isEmpty() ? "*" : list(methods)) + ":" + list(paths)));
			case CUSTOM -> {
				String m = list(methods);
				String p = list(paths);
				if (m.isEmpty() && p.isEmpty()) {
					throw new InvalidInput(InvalidInput.Field.METHODS, InvalidInput.Problem.MISSING, "Enter the methods (such as GET,POST) or the paths"
							+ " (such as /v1/chat/**) it may use,"
							+ " or choose Full access or Read-only.");
				}
				if (m.contains(":")) {
					throw new InvalidInput(InvalidInput.Field.METHODS, InvalidInput.Problem.MALFORMED, "Methods are names such as GET or POST, separated by commas.");
				}
				// The CLI's grammar, so that the app accepts and refuses exactly what 'amk agent create --grant' does.
				yield new Grant(connection, GrantRule.parse((m.isEmpty() ? "*" : m) + ":" + p));
			}
		};
	}

	/** When a key set to {@code choice} expires; null for no expiry (and for KEEP, which changes nothing). */
	static Instant expiryAt(Expiry choice, String custom, Instant now) {
		return switch (choice) {
			case KEEP, NEVER -> null;
			case CUSTOM -> {
				if (custom == null || custom.isBlank()) {
					throw new InvalidInput(InvalidInput.Field.EXPIRY, InvalidInput.Problem.MISSING, "Type how long the key should work, such as 90m, 12h"
							+ " or 2w, or an instant such as"
							+ " 2026-12-31T23:00:00Z; or pick one of the choices.");
				}
				yield Durations.parseExpiry(custom.strip(), now);
			}
			default -> now.plus(choice.duration);
		};
	}

	private static String list(String text) {
		return text == null ? "" : String.join(",", text.strip().split("[\\s,]+")).replaceAll("^,+", "");
	}

	private String keepLabel() {
		Instant at = original == null ? null : original.expiresAt();
		Instant now = actions.clock().instant();
		return at == null ? "Unchanged (never expires)" : at.isAfter(now) ? "Unchanged (expires " + Durations.until(at, now) + ")" : "Unchanged (already expired)";
	}

	private List<Label> allErrorLabels() {
		List<Label> labels = new ArrayList<>(List.of(nameError, expiryError, formError));
		rows.forEach(r -> labels.add(r.error));
		labels.add(limits.error);
		return labels;
	}

	private static void show(Label label, String message) {
		label.setText(message == null ? "" : message);
		label.setVisible(message != null);
	}

	private static Label errorLabel(String id) {
		Label label = new Label();
		label.setId(id);
		label.getStyleClass().add("error-text");
		label.setWrapText(true);
		label.setVisible(false);
		label.managedProperty().bind(label.visibleProperty());
		return label;
	}

	private static <T> StringConverter<T> converter(Function<T, String> text) {
		return new StringConverter<>() {
			@Override
			public String toString(T value) {
				return value == null ? "" : text.apply(value);
			}

			@Override
			public T fromString(String string) {
				throw new UnsupportedOperationException("choices are picked, not typed");
			}
		};
	}

	/** How an MCP server row grants its tools, when its access is Full. */
	enum ToolsMode {
		ALL("All tools"),
		CHOSEN("Only the tools ticked");

		final String label;

		ToolsMode(String label) {
			this.label = label;
		}
	}

	/** One connection: whether the agent gets it and how. Ids end in the connection's name (grant-openai, preset-openai…). */
	private final class ConnectionRow {
		final Connection connection;
		final CheckBox granted;
		final ChoiceBox<GrantRule.Preset> preset = new ChoiceBox<>();
		final TextField methods = new TextField();
		final TextField paths = new TextField();
		final Label error;
		/** The tool picker of an MCP server; null for every other connection. */
		final ToolPicker tools;

		ConnectionRow(Connection c, GrantRule current) {
			this.connection = c;
			String n = c.name();
			granted = new CheckBox(n + " (" + c.provider().displayName() + ")");
			granted.setId("grant-" + n);
			granted.setAccessibleText("Grant " + n);
			granted.setSelected(current != null);
			granted.setMinWidth(Region.USE_PREF_SIZE); // the name is what the row is about: the fields give way, not it
			preset.setId("preset-" + n);
			preset.getItems().setAll(GrantRule.Preset.FULL, GrantRule.Preset.READ, GrantRule.Preset.CUSTOM); // ask rules: CLI only
			preset.setConverter(converter(PRESET_LABELS::get));
			preset.setValue(current == null ? GrantRule.Preset.FULL : current.preset());
			preset.setAccessibleText("Access to " + n + ": full, read-only or custom");
			preset.setTooltip(new Tooltip("Full: every method and path. Read-only: GET, HEAD and OPTIONS. Custom: the methods and paths you type."));
			preset.disableProperty().bind(granted.selectedProperty().not());
			methods.setId("methods-" + n);
			methods.setPromptText("GET,POST (empty: any)");
			methods.setAccessibleText("Methods allowed on " + n + ", such as GET,POST");
			methods.setPrefColumnCount(9);
			paths.setId("paths-" + n);
			paths.setPromptText("/v1/chat/** (empty: all)");
			paths.setAccessibleText("Paths allowed on " + n + ", such as /v1/chat/**");
			paths.setPrefColumnCount(14);
			if (current != null && current.preset() == GrantRule.Preset.CUSTOM) {
				methods.setText(current.methods().isEmpty() ? "" : current.methodsColumn());
				boolean everything = current.paths().size() == 1 && current.paths().getFirst().equals(PathGlob.EVERYTHING);
				paths.setText(everything ? "" : current.pathsColumn());
			}
			for (TextField f : List.of(methods, paths)) {
				f.visibleProperty().bind(preset.valueProperty().isEqualTo(GrantRule.Preset.CUSTOM));
				f.managedProperty().bind(f.visibleProperty());
				f.disableProperty().bind(granted.selectedProperty().not());
			}
			error = errorLabel("grant-error-" + n);
			tools = c.provider() != null && c.provider().speaksMcp() ? new ToolPicker(this, current == null ? null : current.tools()) : null;
		}

		Grant grant() {
			if (tools != null && preset.getValue() == GrantRule.Preset.FULL) {
				return tools.grant();
			}
			return grantFor(connection.name(), preset.getValue(), methods.getText(), paths.getText());
		}
	}

	/**
	 * The tools of one MCP server, ticked from its live {@code tools/list} (fetched in the background with the connection's
	 * real credential when "Only the tools ticked" is chosen). Patterns already granted stay as their own ticked boxes, so
	 * a {@code read_*} typed on the command line is kept as a pattern rather than turned into today's names. Ids:
	 * {@code tools-mode-NAME}, {@code tools-NAME}, {@code tools-status-NAME}, {@code tools-load-NAME}, {@code tool-NAME-TOOL}.
	 */
	private final class ToolPicker {
		final ConnectionRow row;
		final ChoiceBox<ToolsMode> mode = new ChoiceBox<>();
		final VBox box;
		final Label status = new Label();
		final Button load = new Button("Load tools");
		final javafx.scene.layout.FlowPane list = new javafx.scene.layout.FlowPane(12, 4);
		/** Pattern (a tool's exact name, or a glob kept from the grant) to its box, in display order. */
		final Map<String, CheckBox> boxes = new java.util.LinkedHashMap<>();
		boolean loading;
		boolean loaded;

		ToolPicker(ConnectionRow row, List<ToolGlob> current) {
			this.row = row;
			String n = row.connection.name();
			mode.setId("tools-mode-" + n);
			mode.getItems().setAll(ToolsMode.values());
			mode.setConverter(converter(m -> m.label));
			mode.setValue(current == null ? ToolsMode.ALL : ToolsMode.CHOSEN);
			mode.setAccessibleText("Tools of " + n + " the agent may call: all, or only those ticked");
			mode.setTooltip(new Tooltip("All tools: every tool the server has now or adds later. Only the tools ticked: calls of any other"
					+ " tool are refused by the broker, and the agent's tool list shows only those."));
			mode.disableProperty().bind(row.granted.selectedProperty().not());
			mode.visibleProperty().bind(row.preset.valueProperty().isEqualTo(GrantRule.Preset.FULL));
			mode.managedProperty().bind(mode.visibleProperty());
			status.setId("tools-status-" + n);
			status.setWrapText(true);
			status.getStyleClass().add("secondary");
			load.setId("tools-load-" + n);
			load.setAccessibleText("List the tools of " + n + " from the server");
			load.setOnAction(e -> load());
			load.setMinWidth(Region.USE_PREF_SIZE);
			list.setId("tools-" + n + "-list");
			if (current != null) {
				for (ToolGlob g : current) {
					addBox(g.pattern(), true, g.pattern().contains("*") ? "every tool matching " + g.pattern() : null);
				}
				status.setText(current.isEmpty() ? "No tool is granted now." : "Granted now: " + current.size() + (current.size() == 1 ? " tool." : " tools."));
			}
			Region spacer = new Region();
			HBox.setHgrow(spacer, Priority.ALWAYS);
			HBox.setHgrow(status, Priority.ALWAYS);
			HBox head = new HBox(8, mode, status, spacer, load);
			head.setAlignment(Pos.CENTER_LEFT);
			for (Node node : List.of(status, load, list)) {
				node.visibleProperty().bind(mode.visibleProperty().and(mode.valueProperty().isEqualTo(ToolsMode.CHOSEN)));
				node.managedProperty().bind(node.visibleProperty());
			}
			list.disableProperty().bind(row.granted.selectedProperty().not());
			load.disableProperty().bind(row.granted.selectedProperty().not());
			box = new VBox(4, head, list);
			box.setId("tools-" + n);
			box.setPadding(new Insets(0, 0, 4, 24));
			box.visibleProperty().bind(mode.visibleProperty());
			box.managedProperty().bind(box.visibleProperty());
			// Live, but only when it matters: a granted server whose tools are being chosen.
			Runnable maybeLoad = () -> {
				if (!loaded && !loading && row.granted.isSelected() && mode.isVisible() && mode.getValue() == ToolsMode.CHOSEN) {
					load();
				}
			};
			mode.valueProperty().addListener((o, was, now) -> maybeLoad.run());
			row.granted.selectedProperty().addListener((o, was, now) -> maybeLoad.run());
			row.preset.valueProperty().addListener((o, was, now) -> maybeLoad.run());
			maybeLoad.run();
		}

		void load() {
			loading = true;
			load.setText("Loading…");
			status.getStyleClass().remove("error-text");
			status.setText("Asking " + row.connection.name() + " for its tools…");
			actions.mcpTools(row.connection).whenComplete((tools, failure) -> {
				loading = false;
				load.setText("Reload tools");
				if (failure != null) {
					status.getStyleClass().add("error-text");
					status.setText(AgentActions.message(failure));
				} else {
					loaded = true;
					show(tools);
				}
				if (scroll != null && getScene() != null) {
					fitWindow(); // the list may be longer than the window was; not while the form is still being built
				}
			});
		}

		/** The server's tools first, in its order; kept patterns it does not list after them. */
		void show(List<dev.amk.proxy.McpToolLister.Tool> tools) {
			Map<String, CheckBox> kept = new java.util.LinkedHashMap<>(boxes);
			boxes.clear();
			list.getChildren().clear();
			for (var t : tools) {
				CheckBox existing = kept.remove(t.name());
				String about = t.title().isEmpty() ? t.description() : t.description().isEmpty() ? t.title() : t.title() + ": " + t.description();
				addBox(t.name(), existing != null && existing.isSelected(), about.isEmpty() ? null : about);
			}
			kept.forEach((pattern, old) -> {
				String note = pattern.contains("*") ? "every tool matching " + pattern : "the server does not list this tool now";
				CheckBox b = addBox(pattern, old.isSelected(), note);
				if (!pattern.contains("*")) {
					b.setText(pattern + " (not listed now)");
				}
			});
			status.setText(tools.isEmpty() ? "The server lists no tools." : "The server lists " + tools.size() + (tools.size() == 1 ? " tool" : " tools")
					+ ". Tick those the agent may call; with none ticked it may call none.");
		}

		CheckBox addBox(String pattern, boolean ticked, String about) {
			CheckBox b = new CheckBox(pattern);
			b.setUserData(pattern);
			b.setSelected(ticked);
			b.setMnemonicParsing(false);
			if (pattern.matches("[A-Za-z0-9_.*-]+")) {
				b.setId("tool-" + row.connection.name() + "-" + pattern.replace("*", "_star_"));
			}
			b.setAccessibleText("Allow the tool " + pattern);
			try {
				new ToolGlob(pattern);
				if (about != null) {
					b.setTooltip(new Tooltip(about));
				}
			} catch (AmkException e) {
				// A grant cannot name it (spaces, commas or control characters): shown, so the person knows it exists.
				b.setSelected(false);
				b.setDisable(true);
				b.setTooltip(new Tooltip("A tool whose name has spaces, commas or control characters cannot be granted by name."));
			}
			boxes.put(pattern, b);
			list.getChildren().add(b);
			return b;
		}

		Grant grant() {
			if (mode.getValue() == ToolsMode.ALL) {
				return new Grant(row.connection.name(), GrantRule.FULL);
			}
			List<ToolGlob> ticked = boxes.values().stream().filter(b -> b.isSelected() && !b.isDisable()).map(b -> new ToolGlob((String) b.getUserData())).toList();
			return new Grant(row.connection.name(), GrantRule.withTools(ticked));
		}
	}
}
