package dev.amk.ui.agents;

import javafx.beans.binding.BooleanBinding;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.stage.Window;

/**
 * The actions above the agent list: New agent…, Edit grants…, Rotate key…, Delete…, Set up an MCP client…. All but the
 * first act on the selected row and are disabled without one (Edit grants…, Rotate key… and Set up an MCP client… also
 * for an {@code amk run}'s key). On the list itself, Enter opens Edit grants… and Delete (or Backspace, the Mac's delete
 * key) asks to delete.
 */
public final class AgentToolbar extends ToolBar {
	private final AgentActions actions;
	private final ListView<AgentRow> list;

	public AgentToolbar(AgentActions actions, ListView<AgentRow> list) {
		this.actions = actions;
		this.list = list;
		setId("agent-actions");
		setAccessibleText("Agent actions");
		BooleanBinding none = list.getSelectionModel().selectedItemProperty().isNull();
		Button create = button("new-agent", "_New agent…", "Create an agent with its own key, and choose what it may reach", this::newAgent);
		Button edit = button("edit-grants", "_Edit grants…", "Change what the selected agent may reach, and its expiry (Enter)", this::editGrants);
		Button rotate = button("rotate-key", "_Rotate key…", "Give the selected agent a new key; its old key stops working at once", this::rotateKey);
		Button delete = button("delete-agent", "_Delete…", "Delete the selected agent; its key stops working at once (Delete key)", this::deleteAgent);
		Button mcp = button("mcp-setup", "Set up an _MCP client…", "Write Claude Code's, Claude Desktop's, Codex's or Cursor's MCP configuration"
				+ " so that it reaches the selected agent's MCP servers through the broker", this::setUpMcpClient);
		delete.disableProperty().bind(none);
		// An amk run's key is revoked (its switch) or deleted, never edited or rotated: it holds its run's grants and its run's key.
		BooleanBinding noAgent = javafx.beans.binding.Bindings.createBooleanBinding(() -> selected() == null || selected().isRunKey(),
				list.getSelectionModel().selectedItemProperty());
		for (Button b : new Button[] {edit, rotate, mcp}) {
			b.disableProperty().bind(noAgent);
		}
		getItems().setAll(create, edit, rotate, delete, mcp);
		// A filter, and only when the list itself has focus: a key pressed on a row's switch stays the switch's.
		list.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
			if (e.getTarget() != list || selected() == null) {
				return;
			}
			if (e.getCode() == KeyCode.ENTER) {
				e.consume();
				editGrants();
			} else if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
				e.consume();
				deleteAgent();
			}
		});
	}

	public void newAgent() {
		AgentEditor.openNew(window(), actions);
	}

	public void editGrants() {
		AgentRow row = selected();
		if (row != null && !row.isRunKey()) {
			AgentEditor.openEdit(window(), actions, row.name());
		}
	}

	/** Opens "Set up an MCP client…" for the selected agent (its MCP servers are checked there, with the file). */
	public void setUpMcpClient() {
		AgentRow row = selected();
		if (row != null && !row.isRunKey() && actions.mcpSetup() != null) {
			McpSetupDialog.open(window(), actions, row.name());
		}
	}

	/** Asks first: whatever uses the old key starts failing the moment it is rotated. */
	public void rotateKey() {
		AgentRow row = selected();
		if (row == null || row.isRunKey()) {
			return;
		}
		String name = row.name();
		AgentDialogs.confirm(window(), "rotate", "Rotate key", "Give '" + name + "' a new key?",
				"Its current key stops working at once: whatever uses it gets 401 until you give it the new key. The new key is"
						+ " shown once, with setup to paste. Grants, expiry and history stay as they are.",
				"Rotate key", () -> actions.rotate(name).thenAccept(issued ->
						KeyResultView.open(window(), "New key for " + name, "New key for '" + name + "'", issued, actions).show()));
	}

	/** Asks first, naming the agent: deleting cannot be undone (its switch revokes it reversibly instead). */
	public void deleteAgent() {
		AgentRow row = selected();
		if (row == null) {
			return;
		}
		String name = row.name();
		AgentDialogs.confirm(window(), "delete", "Delete agent", "Delete the agent '" + name + "'?",
				"Its key stops working at once, and the agent and its grants are removed; its past requests stay in the activity"
						+ " log. This cannot be undone. To cut it off only for now, use its switch instead.",
				"Delete " + name, () -> actions.delete(name));
	}

	private AgentRow selected() {
		return list.getSelectionModel().getSelectedItem();
	}

	private Window window() {
		return list.getScene() == null ? null : list.getScene().getWindow();
	}

	private static Button button(String id, String text, String help, Runnable action) {
		Button b = new Button(text);
		b.setId(id);
		b.setMnemonicParsing(true);
		b.setAccessibleText(text.replace("_", "").replace("…", ""));
		b.setAccessibleHelp(help);
		b.setTooltip(new Tooltip(help));
		b.setOnAction(e -> action.run());
		return b;
	}
}
