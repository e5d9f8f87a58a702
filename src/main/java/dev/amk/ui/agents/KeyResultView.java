package dev.amk.ui.agents;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentService;
import dev.amk.common.Durations;
import dev.amk.connections.Connection;
import dev.amk.providers.SetupSnippet;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.stage.WindowEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The one screen that shows an agent's key: after New agent and after Rotate key. The key sits in a read-only,
 * selectable field with a Copy button, above ready-to-paste setup for each connection the agent may reach.
 *
 * <p>The key lives only in this view's text fields, never in a field of its own (the Copy buttons read it back
 * from the fields), and {@link #clear()} empties them when the window closes, so that nothing keeps it after
 * the user has seen it.
 */
public final class KeyResultView extends BorderPane {
	private static final String MONO = "-fx-font-family: monospace;";

	private final TextField keyField = new TextField();
	/** Every control that holds the key, so that {@link #clear()} misses none. */
	private final List<TextInputControl> holdingKey = new ArrayList<>();
	private final TabPane setupTabs = new TabPane();
	private final Label status = new Label();

	/**
	 * @param heading what just happened, e.g. "Created agent 'coder'"
	 * @param granted the connections the agent may reach, in the order to show their setup
	 * @param done    closes the window
	 */
	public KeyResultView(String heading, Agent agent, String key, List<Connection> granted, AgentActions actions, Runnable done) {
		getStyleClass().add("key-result");
		setPadding(new Insets(14));

		Label title = new Label(heading);
		title.setId("key-result-heading");
		title.getStyleClass().add("agent-name");
		title.setStyle("-fx-font-size: 15px;");
		Label reach = new Label(reachLine(agent, actions));
		reach.setWrapText(true);
		Label warning = new Label("Copy this key now: it is shown only this once. Agent Master Key keeps only a hash of it and cannot"
				+ " show it again; if you lose it, use Rotate key… to issue a new one.");
		warning.setId("key-warning");
		warning.setWrapText(true);
		warning.setStyle("-fx-font-weight: bold; -fx-text-fill: #b26a00;");

		keyField.setId("agent-key");
		keyField.setText(key);
		keyField.setEditable(false);
		keyField.setStyle(MONO);
		keyField.setAccessibleText("The key of " + agent.name() + ", shown only once");
		keyField.setPrefColumnCount(40);
		holdingKey.add(keyField);
		Button copyKey = new Button("_Copy key");
		copyKey.setId("copy-key");
		copyKey.setAccessibleText("Copy the key of " + agent.name() + " to the clipboard");
		copyKey.setOnAction(e -> copy(keyField, "The key"));
		HBox.setHgrow(keyField, Priority.ALWAYS);
		HBox keyRow = new HBox(8, keyField, copyKey);
		keyRow.setAlignment(Pos.CENTER_LEFT);

		VBox top = new VBox(8, title, reach, warning, keyRow);
		top.setPadding(new Insets(0, 0, 12, 0));
		setTop(top);

		if (granted.isEmpty()) {
			Label none = new Label("This agent has no grants yet, so its key can do nothing. Select it and use Edit grants… to let it"
					+ " reach a connection; the key stays the same.");
			none.setId("setup-none");
			none.setWrapText(true);
			setCenter(none);
		} else {
			Label setupTitle = new Label("Set up your agent: paste the block for the tool it uses, then run it as usual.");
			setupTitle.setWrapText(true);
			setupTabs.setId("setup-tabs");
			setupTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
			setupTabs.setAccessibleText("Setup for each connection");
			for (Connection c : granted) {
				setupTabs.getTabs().add(setupTab(c, key, actions));
			}
			VBox.setVgrow(setupTabs, Priority.ALWAYS);
			// Room for two or three blocks; more scroll inside their tab.
			setupTabs.setPrefHeight(Math.min(360, AgentDialogs.screenHeight() * 0.5));
			setCenter(new VBox(6, setupTitle, setupTabs));
		}

		status.setId("key-status");
		status.setAccessibleText("Clipboard status");
		status.getStyleClass().add("secondary");
		Button close = new Button("Done");
		close.setId("key-done");
		close.setAccessibleText("Close: the key will not be shown again");
		close.setDefaultButton(true);
		close.setCancelButton(true);
		close.setOnAction(e -> done.run());
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox bottom = new HBox(8, status, spacer, close);
		bottom.setAlignment(Pos.CENTER_LEFT);
		bottom.setPadding(new Insets(12, 0, 0, 0));
		setBottom(bottom);
	}

	/** Opens the result in a window of its own (after Rotate key); the key leaves it when the window closes. */
	public static Stage open(Window owner, String title, String heading, AgentService.Issued issued, AgentActions actions) {
		Stage stage = AgentDialogs.stage(owner, title, new Region());
		showIn(stage, title, heading, issued, actions);
		return stage;
	}

	/** Replaces what {@code stage} shows (the New agent form) with the result; the key leaves it when the window closes. */
	public static KeyResultView showIn(Stage stage, String title, String heading, AgentService.Issued issued, AgentActions actions) {
		Agent agent = issued.agent();
		KeyResultView view = new KeyResultView(heading, agent, issued.key(), actions.grantedConnections(agent), actions, stage::close);
		stage.getScene().setRoot(view);
		stage.setTitle(title);
		stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> view.clear());
		AgentDialogs.fit(stage, view, 700);
		// Focus on the key, selected: Ctrl+C / Cmd+C copies it at once, and a screen reader reads the warning's neighbour.
		view.keyField.requestFocus();
		view.keyField.selectAll();
		return view;
	}

	/** Empties every field that held the key (their undo history with it: setting the text resets it). */
	public void clear() {
		for (TextInputControl field : holdingKey) {
			field.clear();
		}
		holdingKey.clear();
		setupTabs.getTabs().clear();
		status.setText("");
	}

	private Tab setupTab(Connection c, String key, AgentActions actions) {
		VBox blocks = new VBox(12);
		blocks.setPadding(new Insets(10));
		for (SetupSnippet s : c.provider().setupSnippets(actions.proxyBase(c.name()), key)) {
			blocks.getChildren().add(block(c, s));
		}
		ScrollPane scroll = new ScrollPane(blocks);
		scroll.setFitToWidth(true);
		Tab tab = new Tab(c.name() + " (" + c.provider().displayName() + ")", scroll);
		tab.setId("setup-tab-" + c.name());
		return tab;
	}

	private VBox block(Connection c, SetupSnippet s) {
		Label title = new Label(s.title());
		title.getStyleClass().add("agent-name");
		Label hint = new Label(s.hint());
		hint.setWrapText(true);
		hint.getStyleClass().add("secondary");
		TextArea text = new TextArea(s.text());
		text.setId("setup-" + c.name() + "-" + s.id());
		text.setEditable(false);
		text.setWrapText(false);
		text.setStyle(MONO);
		text.setPrefRowCount(Math.max(1, (int) s.text().lines().count()) + 1);
		text.setAccessibleText(s.title() + " setup for " + c.name());
		holdingKey.add(text);
		Button copy = new Button("Copy");
		copy.setId("copy-" + c.name() + "-" + s.id());
		copy.setAccessibleText("Copy the " + s.title() + " setup for " + c.name());
		String what = s.title() + " setup"; // not the snippet itself: the handler must not hold on to the key
		copy.setOnAction(e -> copy(text, what));
		HBox.setHgrow(text, Priority.ALWAYS);
		HBox row = new HBox(8, text, copy);
		row.setAlignment(Pos.TOP_LEFT);
		return new VBox(4, title, hint, row);
	}

	/** Reads the text back from the field, so that no listener keeps its own copy of the key. */
	private void copy(TextInputControl source, String what) {
		ClipboardContent content = new ClipboardContent();
		content.putString(source.getText());
		Clipboard.getSystemClipboard().setContent(content);
		status.setText(what + " is on the clipboard. Paste it where your agent reads its settings.");
	}

	private static String reachLine(Agent agent, AgentActions actions) {
		java.time.Instant now = actions.clock().instant();
		String until = agent.expiresAt() == null ? "" : ", until " + agent.expiresAt() + " (" + Durations.until(agent.expiresAt(), now) + ")";
		String reach = agent.grants().isEmpty() ? "It may reach nothing yet" + until + "." : "It may reach: " + agent.reach() + until + ".";
		// A rotated key of a switched-off or expired agent is refused like the old one: say so before it is pasted anywhere.
		return reach + switch (agent.status(now)) {
			case ACTIVE -> "";
			case REVOKED -> " It is switched off: turn its switch on in the list for this key to work.";
			case EXPIRED -> " It has expired: give it a new expiry with Edit grants… for this key to work.";
		};
	}
}
