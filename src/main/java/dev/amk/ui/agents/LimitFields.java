package dev.amk.ui.agents;

import dev.amk.agents.AgentLimits;
import dev.amk.agents.ConnectionLimits;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import javafx.beans.binding.BooleanExpression;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent editor's Limits section: the same limits as {@code amk agent limit}, each field empty for "no limit". The
 * form shows every limit, so saving replaces them all; the rules and messages are the CLI's ({@link AgentLimits}).
 */
final class LimitFields {
	final TextField rpm = field("limit-rpm", "Requests per minute", "e.g. 60");
	final TextField concurrent = field("limit-concurrent", "Requests at once", "e.g. 4");
	final TextField dailyUsd = field("limit-daily-usd", "Daily budget in US dollars", "e.g. 5");
	final TextField monthlyUsd = field("limit-monthly-usd", "Monthly budget in US dollars", "e.g. 50");
	final TextField dailyTokens = field("limit-daily-tokens", "Tokens per day", "e.g. 2000000");
	final TextField models = field("limit-models", "Models the agent may use, comma separated globs", "any; e.g. gpt-4o*,claude-3-5-*");
	final CheckBox pause = new CheckBox("Revoke the agent when it passes a budget");
	final Label error = new Label();
	/** Rate limits on single connections, one row per connection the form lists, shown while it is ticked. */
	final Map<String, ConnectionFields> connections = new LinkedHashMap<>();
	private final AgentLimits current;

	/** The rate fields of one connection; ids end in its name (limit-rpm-github, limit-concurrent-github). */
	static final class ConnectionFields {
		final TextField rpm;
		final TextField concurrent;
		final BooleanExpression granted;

		ConnectionFields(String name, ConnectionLimits current, BooleanExpression granted) {
			this.granted = granted;
			rpm = field("limit-rpm-" + name, "Requests per minute on " + name, "any");
			concurrent = field("limit-concurrent-" + name, "Requests at once on " + name, "any");
			if (current.requestsPerMinute() != null) {
				rpm.setText(current.requestsPerMinute().toString());
			}
			if (current.concurrent() != null) {
				concurrent.setText(current.concurrent().toString());
			}
		}
	}

	LimitFields(AgentLimits current) {
		this.current = current;
		pause.setId("limit-pause");
		error.setId("limits-error");
		error.getStyleClass().add("error-text");
		error.setWrapText(true);
		error.setVisible(false);
		error.managedProperty().bind(error.visibleProperty());
		models.setPrefColumnCount(24);
		if (current.requestsPerMinute() != null) {
			rpm.setText(current.requestsPerMinute().toString());
		}
		if (current.concurrent() != null) {
			concurrent.setText(current.concurrent().toString());
		}
		if (current.dailyMicroUsd() != null) {
			dailyUsd.setText(plainDollars(current.dailyMicroUsd()));
		}
		if (current.monthlyMicroUsd() != null) {
			monthlyUsd.setText(plainDollars(current.monthlyMicroUsd()));
		}
		if (current.dailyTokens() != null) {
			dailyTokens.setText(current.dailyTokens().toString());
		}
		models.setText(current.modelsColumn() == null ? "" : current.modelsColumn());
		pause.setSelected(current.pauseOnBudget());
	}

	private static String plainDollars(long micro) {
		return BigDecimal.valueOf(micro).movePointLeft(6).stripTrailingZeros().toPlainString();
	}

	private static TextField field(String id, String accessible, String prompt) {
		TextField f = new TextField();
		f.setId(id);
		f.setAccessibleText(accessible);
		f.setPromptText(prompt);
		f.setPrefColumnCount(8);
		return f;
	}

	/** Adds a row for the connection {@code name}, shown while {@code granted} holds (the grant's tick in the form). */
	void addConnection(String name, BooleanExpression granted) {
		connections.put(name, new ConnectionFields(name, current.connection(name), granted));
	}

	Node section() {
		Label title = new Label("Limits");
		title.getStyleClass().add("agent-name");
		Label hint = new Label("Empty means no limit. Budgets count OpenAI, Anthropic and Gemini use, estimated from the answers, per UTC day and month.");
		hint.getStyleClass().add("secondary");
		hint.setWrapText(true);
		GridPane grid = new GridPane();
		grid.setHgap(8);
		grid.setVgap(4);
		grid.addRow(0, new Label("Requests/minute"), rpm, new Label("At once"), concurrent);
		grid.addRow(1, new Label("$ per day"), dailyUsd, new Label("$ per month"), monthlyUsd);
		grid.addRow(2, new Label("Tokens per day"), dailyTokens, new Label("Models"), models);
		VBox box = new VBox(4, title, hint, grid, pause);
		if (!connections.isEmpty()) {
			box.getChildren().add(connectionGrid());
		}
		box.getChildren().add(error);
		return box;
	}

	private Node connectionGrid() {
		Label caption = new Label("On one connection (on top of the limits above, for each connection ticked):");
		caption.getStyleClass().add("secondary");
		caption.setWrapText(true);
		GridPane grid = new GridPane();
		grid.setHgap(8);
		grid.setVgap(4);
		int line = 0;
		for (Map.Entry<String, ConnectionFields> e : connections.entrySet()) {
			ConnectionFields f = e.getValue();
			List<Node> row = List.of(new Label(e.getKey()), new Label("Requests/minute"), f.rpm, new Label("At once"), f.concurrent);
			for (Node n : row) {
				n.visibleProperty().bind(f.granted);
				n.managedProperty().bind(n.visibleProperty());
			}
			grid.addRow(line++, row.toArray(Node[]::new));
		}
		VBox box = new VBox(4, caption, grid);
		box.visibleProperty().bind(connections.values().stream().map(f -> f.granted).reduce(BooleanExpression::or).orElseThrow());
		box.managedProperty().bind(box.visibleProperty());
		return box;
	}

	/** Every limit as the form shows it, replacing what was stored. */
	AgentLimits.Change change() {
		AgentLimits.Change change = new AgentLimits.Change(whole(rpm, "Requests per minute"), whole(concurrent, "Requests at once"), dollars(dailyUsd),
				dollars(monthlyUsd), whole(dailyTokens, "Tokens per day"),
				models.getText().isBlank() ? List.of() : AgentLimits.parseModels(models.getText()), pause.isSelected(), true, connectionChanges());
		AgentLimits.NONE.with(change); // the range checks, here rather than after the grants are saved
		return change;
	}

	/** The rate limits of each ticked connection (the others lose theirs: the form's change clears everything first). */
	private Map<String, ConnectionLimits.Change> connectionChanges() {
		Map<String, ConnectionLimits.Change> changes = new LinkedHashMap<>();
		connections.forEach((name, f) -> {
			if (f.granted.get()) {
				changes.put(name, new ConnectionLimits.Change(whole(f.rpm, "Requests per minute on " + name), whole(f.concurrent, "Requests at once on "
						+ name), true));
			}
		});
		return changes;
	}

	private static Long whole(TextField f, String what) {
		String t = f.getText().strip();
		if (t.isEmpty()) {
			return AgentLimits.Change.REMOVE;
		}
		try {
			long n = Long.parseLong(t);
			if (n < 1) {
				throw new NumberFormatException();
			}
			return n;
		} catch (NumberFormatException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, what + " must be a whole number of at least 1, or empty for no limit.");
		}
	}

	private static Long dollars(TextField f) {
		String t = f.getText().strip();
		return t.isEmpty() ? AgentLimits.Change.REMOVE : AgentLimits.parseDollars(t);
	}
}
