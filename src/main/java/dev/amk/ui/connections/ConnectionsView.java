package dev.amk.ui.connections;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

import java.util.List;
import java.util.function.Function;

/**
 * The connected accounts: which provider, where the key goes, which agents use each. "Add API key…" opens the
 * add dialog; "Test" and "Remove…" act on the selected row. Every change goes through the model, off the FX
 * thread; this class only lays out and reports.
 */
public final class ConnectionsView extends BorderPane {
	private final ConnectionsModel model;
	private final TableView<ConnectionRow> table;
	private final Label message = new Label();

	public ConnectionsView(ConnectionsModel model) {
		this.model = model;
		getStylesheets().add(ConnectionsView.class.getResource("connections.css").toExternalForm());

		table = new TableView<>(model.rows());
		table.setId("connections");
		table.setAccessibleText("Connections");
		table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
		Label empty = new Label("No connections yet. Choose \"Add API key…\" to connect an account; its key is kept in your OS keychain.");
		empty.setWrapText(true);
		table.setPlaceholder(empty);
		table.getColumns().setAll(List.of(
				column("Name", ConnectionRow::nameProperty, 100),
				column("Provider", ConnectionRow::providerProperty, 110),
				column("Upstream", ConnectionRow::baseUrlProperty, 170),
				column("Key sent as", ConnectionRow::authProperty, 150),
				column("Used by", r -> Bindings.createStringBinding(() -> usedBy(r.agents()), r.agentsProperty()), 120),
				column("Status", ConnectionRow::statusProperty, 90)));
		table.setRowFactory(t -> new ConnectionTableRow());
		table.setOnKeyPressed(e -> {
			if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
				confirmRemove();
				e.consume();
			}
		});
		setCenter(table);

		Button add = new Button("Add API key…");
		add.setId("add-connection");
		add.setAccessibleText("Add an API key: connect an account such as OpenAI, Anthropic, Gemini, GitHub or any HTTP API");
		add.setOnAction(e -> openAddDialog());

		// Room for the OAuth issue: its "Connect with GitHub…" / "Connect with Google…" buttons go in this box,
		// beside "Add API key…", as the other way to connect an account. Empty (and so invisible) until then.
		HBox oauthButtons = new HBox(8);
		oauthButtons.setId("oauth-connect-buttons");
		oauthButtons.setAlignment(Pos.CENTER_LEFT);

		Button test = new Button("Test");
		test.setId("test-selected-connection");
		test.setAccessibleText("Test the selected connection: make one request with its key and report the answer");
		test.setOnAction(e -> testSelected());
		Button remove = new Button("Remove…");
		remove.setId("remove-connection");
		remove.setAccessibleText("Remove the selected connection and delete its key from the keychain");
		remove.setOnAction(e -> confirmRemove());
		test.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
		remove.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());

		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox toolbar = new HBox(8, add, oauthButtons, spacer, test, remove);
		toolbar.setAlignment(Pos.CENTER_LEFT);
		toolbar.setPadding(new Insets(6));
		setTop(toolbar);

		message.setId("connections-message");
		message.setWrapText(true);
		message.setPadding(new Insets(6));
		message.accessibleTextProperty().bind(message.textProperty());
		message.visibleProperty().bind(message.textProperty().isNotEmpty());
		message.managedProperty().bind(message.visibleProperty());
		setBottom(message);
	}

	public TableView<ConnectionRow> table() {
		return table;
	}

	/** The outcome of the last action, below the table. */
	public Label message() {
		return message;
	}

	private void openAddDialog() {
		new AddConnectionDialog(getScene().getWindow(), model, added -> {
			table.getSelectionModel().select(model.rows().stream().filter(r -> r.id() == added.id()).findFirst().orElse(null));
			show("Connected '" + added.name() + "'. Its key is in your OS keychain. Give an agent access with"
					+ " 'amk agent create NAME --grant " + added.name() + "'.", false);
		}).show();
	}

	private void testSelected() {
		ConnectionRow row = table.getSelectionModel().getSelectedItem();
		if (row == null) {
			return;
		}
		show("Testing '" + row.name() + "'…", false);
		model.test(row).whenComplete((result, failure) -> {
			if (result != null) {
				show(row.name() + ": " + result.message(), !result.ok());
			} else {
				show(ConnectionsModel.describe(failure, null), true);
			}
		});
	}

	/** Asks first, naming the agents that lose access; removes only on an explicit "Remove". */
	private void confirmRemove() {
		ConnectionRow row = table.getSelectionModel().getSelectedItem();
		if (row == null) {
			return;
		}
		ButtonType removeType = new ButtonType("Remove", ButtonBar.ButtonData.OK_DONE);
		ButtonType keepType = new ButtonType("Keep it", ButtonBar.ButtonData.CANCEL_CLOSE);
		Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, confirmationText(row), removeType, keepType);
		confirm.initOwner(getScene().getWindow());
		confirm.setTitle("Remove connection");
		confirm.setHeaderText("Remove '" + row.name() + "'?");
		confirm.getDialogPane().setId("remove-confirmation");
		Bindings.bindContent(confirm.getDialogPane().getStylesheets(), getScene().getStylesheets()); // light or dark, as the window
		confirm.getDialogPane().setAccessibleText(confirm.getHeaderText() + " " + confirm.getContentText());
		Button removeButton = (Button) confirm.getDialogPane().lookupButton(removeType);
		Button keepButton = (Button) confirm.getDialogPane().lookupButton(keepType);
		removeButton.setId("confirm-remove");
		keepButton.setId("cancel-remove");
		// A destructive action is never the default: Enter keeps the connection, Escape too.
		removeButton.setDefaultButton(false);
		keepButton.setDefaultButton(true);
		confirm.setOnHidden(e -> {
			if (confirm.getResult() == removeType) {
				remove(row);
			}
		});
		confirm.show();
		keepButton.requestFocus();
	}

	static String confirmationText(ConnectionRow row) {
		List<String> agents = row.agents();
		String who = agents.isEmpty() ? "No agent uses it, so no agent loses access."
				: (agents.size() == 1 ? "The agent " + agents.getFirst() + " loses" : "These agents lose") + " access to it at once, "
						+ "requests in progress included" + (agents.size() == 1 ? "." : ": " + String.join(", ", agents) + ".");
		return who + " Its key is deleted from your OS keychain; to use this account again you will need to add the key again.";
	}

	private void remove(ConnectionRow row) {
		String name = row.name();
		show("Removing '" + name + "'…", false);
		model.remove(row).whenComplete((affected, failure) -> {
			if (failure != null) {
				show(ConnectionsModel.describe(failure, null), true);
			} else if (affected.isEmpty()) {
				show("Removed '" + name + "' and deleted its key from the keychain.", false);
			} else {
				show("Removed '" + name + "' and deleted its key from the keychain. These agents lost access to it: "
						+ String.join(", ", affected) + ".", false);
			}
		});
	}

	private void show(String text, boolean error) {
		message.setText(text);
		message.getStyleClass().removeAll("error-text", "secondary");
		message.getStyleClass().add(error ? "error-text" : "secondary");
	}

	private static String usedBy(List<String> agents) {
		return agents.isEmpty() ? "no agent yet" : String.join(", ", agents);
	}

	private static TableColumn<ConnectionRow, String> column(String title, Function<ConnectionRow, ObservableValue<String>> value, double width) {
		TableColumn<ConnectionRow, String> c = new TableColumn<>(title);
		c.setCellValueFactory(cd -> cd.getValue() == null ? new ReadOnlyObjectWrapper<>() : value.apply(cd.getValue()));
		c.setPrefWidth(width);
		return c;
	}

	/** Reads a row out whole to a screen reader, and marks a failed test. */
	private static final class ConnectionTableRow extends TableRow<ConnectionRow> {
		private final javafx.beans.InvalidationListener redraw = o -> render();
		private ConnectionRow shown;

		@Override
		protected void updateItem(ConnectionRow row, boolean empty) {
			super.updateItem(row, empty);
			ConnectionRow now = empty ? null : row;
			if (shown != now) {
				if (shown != null) {
					shown.statusProperty().removeListener(redraw);
					shown.agentsProperty().removeListener(redraw);
				}
				shown = now;
				if (now != null) {
					now.statusProperty().addListener(redraw);
					now.agentsProperty().addListener(redraw);
				}
			}
			render();
		}

		private void render() {
			ConnectionRow row = shown;
			getStyleClass().remove("test-failed");
			if (row == null) {
				setAccessibleText(null);
				return;
			}
			String status = row.status();
			if (!status.equals(ConnectionRow.NOT_TESTED) && !status.equals("Works") && !status.equals("Testing…")) {
				getStyleClass().add("test-failed");
			}
			setAccessibleText(row.name() + ", " + row.providerProperty().get() + " at " + row.baseUrlProperty().get() + ", used by "
					+ usedBy(row.agents()) + ", " + status);
		}
	}
}
