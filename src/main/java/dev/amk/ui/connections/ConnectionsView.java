package dev.amk.ui.connections;

import dev.amk.connections.TokenRevoker;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.List;
import java.util.function.Function;

/**
 * The connected accounts: which provider, whose account and with which scopes (OAuth) or how the key is sent,
 * which agents use each, and whether it works. "Add…" opens the add dialog, one button per OAuth provider
 * the Connect dialog; "Test", "Reconnect…" and "Remove…" act on the selected row, and a row whose sign-in the
 * provider no longer accepts carries its own Reconnect button. Every change goes through the model, off the FX
 * thread; this class only lays out and reports.
 */
public final class ConnectionsView extends BorderPane {
	private final ConnectionsModel model;
	private final TableView<ConnectionRow> table;
	private final Label message = new Label();
	/** Ticks every 20 s so that "expires in 52 min" keeps moving; cells redraw in place. */
	private final IntegerProperty tick = new SimpleIntegerProperty();

	public ConnectionsView(ConnectionsModel model) {
		this.model = model;
		getStylesheets().add(ConnectionsView.class.getResource("connections.css").toExternalForm());

		table = new TableView<>(model.rows());
		table.setId("connections");
		table.setAccessibleText("Connections");
		table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
		Label empty = new Label("No connections yet. Choose \"Add…\" (API keys, cloud accounts, MCP servers), or sign in with one of the providers above; keys and tokens"
				+ " are kept in your OS keychain.");
		empty.setWrapText(true);
		table.setPlaceholder(empty);
		table.getColumns().setAll(List.of(
				column("Name", ConnectionRow::nameProperty, 80),
				column("Provider", ConnectionRow::providerProperty, 72),
				liveColumn("Account", 140, () -> new AccountCell(tick)),
				column("Upstream", ConnectionRow::baseUrlProperty, 108),
				column("Used by", r -> Bindings.createStringBinding(() -> usedBy(r.agents()), r.agentsProperty()), 90),
				liveColumn("Status", 270, () -> new StatusCell(tick, model.clock(), this::openReconnectDialog))));
		table.setRowFactory(t -> new ConnectionTableRow());
		table.setOnKeyPressed(e -> {
			if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
				confirmRemove();
				e.consume();
			}
		});
		setCenter(table);

		Button add = new Button("Add…");
		add.setId("add-connection");
		add.setAccessibleText("Add a connection: an API key (OpenAI, Anthropic, Gemini, GitHub or any HTTP API), an AWS or Google Cloud"
				+ " account, or an MCP server");
		add.setOnAction(e -> openAddDialog());

		// The other way to connect an account, beside "Add…": sign in with OAuth, one button per provider.
		HBox oauthButtons = new HBox(6);
		oauthButtons.setId("oauth-connect-buttons");
		oauthButtons.setAlignment(Pos.CENTER_LEFT);
		Label signInWith = new Label("or sign in:");
		signInWith.getStyleClass().add("secondary");
		oauthButtons.getChildren().add(signInWith);
		for (ProviderSpec provider : Providers.withOAuth()) {
			OAuthProfile profile = Providers.oauthOf(provider);
			boolean generic = profile.endpointsFromPerson();
			Button connect = new Button(generic ? "Other OAuth…" : provider.displayName());
			connect.setId("connect-" + provider.id());
			connect.setAccessibleText(generic ? "Connect another API that signs in with OAuth 2.0"
					: "Connect " + provider.displayName() + ": sign in with OAuth in your browser");
			connect.setOnAction(e -> openConnectDialog(profile, null));
			oauthButtons.getChildren().add(connect);
		}

		Button test = new Button("Test");
		test.setId("test-selected-connection");
		test.setAccessibleText("Test the selected connection: make one request with its key and report the answer");
		test.setOnAction(e -> testSelected());
		Button reconnect = new Button("Reconnect…");
		reconnect.setId("reconnect-connection");
		reconnect.setAccessibleText("Reconnect the selected OAuth connection: sign in to it again in your browser");
		reconnect.setOnAction(e -> {
			ConnectionRow row = table.getSelectionModel().getSelectedItem();
			if (row != null && row.isOAuth()) {
				openReconnectDialog(row);
			}
		});
		reconnect.disableProperty().bind(Bindings.createBooleanBinding(() -> table.getSelectionModel().getSelectedItem() == null
				|| !table.getSelectionModel().getSelectedItem().isOAuth(), table.getSelectionModel().selectedItemProperty()));
		Button remove = new Button("Remove…");
		remove.setId("remove-connection");
		remove.setAccessibleText("Remove the selected connection and delete its key from the keychain");
		remove.setOnAction(e -> confirmRemove());
		test.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
		remove.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());

		// Connecting goes on top; what acts on the selected row goes below the table, beside the outcome.
		HBox toolbar = new HBox(8, add, oauthButtons);
		toolbar.setAlignment(Pos.CENTER_LEFT);
		toolbar.setPadding(new Insets(6));
		setTop(toolbar);

		message.setId("connections-message");
		message.setWrapText(true);
		message.setPadding(new Insets(6));
		message.accessibleTextProperty().bind(message.textProperty());
		message.visibleProperty().bind(message.textProperty().isNotEmpty());
		message.managedProperty().bind(message.visibleProperty());
		HBox actions = new HBox(8, test, reconnect, remove);
		actions.setAlignment(Pos.CENTER_LEFT);
		actions.setPadding(new Insets(6, 6, 0, 6));
		setBottom(new VBox(actions, message));

		Timeline ticker = new Timeline(new KeyFrame(Duration.seconds(20), e -> tick.set(tick.get() + 1)));
		ticker.setCycleCount(Timeline.INDEFINITE);
		// Only while on screen: a hidden window costs nothing.
		sceneProperty().flatMap(Scene::windowProperty).flatMap(javafx.stage.Window::showingProperty).orElse(false).subscribe(showing -> {
			if (showing) {
				tick.set(tick.get() + 1);
				ticker.play();
			} else {
				ticker.stop();
			}
		});
	}

	public TableView<ConnectionRow> table() {
		return table;
	}

	/** The outcome of the last action, below the table. */
	public Label message() {
		return message;
	}

	private void openAddDialog() {
		new AddConnectionDialog(getScene().getWindow(), model, (added, note) -> {
			table.getSelectionModel().select(model.rows().stream().filter(r -> r.id() == added.id()).findFirst().orElse(null));
			String kept = added.isOAuth() ? "Its tokens are in your OS keychain." : "Its key is in your OS keychain.";
			show("Connected '" + added.name() + "'. " + kept + " Give an agent access with 'amk agent create NAME --grant " + added.name() + "'."
					+ (note == null ? "" : "\n" + note), false);
		}).show();
	}

	/** Opens the Connect dialog for {@code profile}; with {@code reconnect}, to sign in to that connection again. */
	private void openConnectDialog(OAuthProfile profile, ConnectionRow reconnect) {
		new ConnectOAuthDialog(getScene().getWindow(), model, profile, reconnect, connected -> connected(connected, reconnect != null)).show();
	}

	private void openReconnectDialog(ConnectionRow row) {
		if (model.connection(row.name()) == null) {
			show("'" + row.name() + "' was removed meanwhile.", true);
			return;
		}
		if (row.provider().speaksMcp()) {
			// An MCP server's sign-in has no provider profile for the Connect dialog; the CLI runs it again.
			show("Sign in to the MCP server '" + row.name() + "' again in a terminal: amk mcp add " + row.name() + " --reconnect", false);
			return;
		}
		table.getSelectionModel().select(row);
		openConnectDialog(Providers.oauthOf(row.provider()), row);
	}

	private void connected(OAuthConnector.Connected connected, boolean reconnected) {
		String name = connected.connection().name();
		table.getSelectionModel().select(model.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null));
		String as = connected.identity() != null ? " as " + connected.identity() : "";
		show(reconnected ? "Reconnected '" + name + "'" + as + ". Its agents use the new sign-in from now on."
				: "Connected '" + name + "'" + as + ". Its tokens are in your OS keychain. Give an agent access with"
						+ " 'amk agent create NAME --grant " + name + "'.", false);
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
		if (row.isOAuth()) {
			return who + " Its tokens are revoked at " + row.providerProperty().get() + " where it allows that, then deleted from your OS"
					+ " keychain; to use this account again you will need to sign in again.";
		}
		return who + " Its key is deleted from your OS keychain; to use this account again you will need to add the key again.";
	}

	/** What the provider did with the tokens of a removed OAuth connection, in a sentence. */
	static String revocationText(String provider, TokenRevoker.Outcome outcome) {
		return switch (outcome) {
			case REVOKED -> provider + " revoked its tokens, so no copy of them works any more.";
			case NOT_SUPPORTED -> provider + " offers no way to revoke them from here: to be thorough, remove the app's access in your "
					+ provider + " account settings.";
			case FAILED -> "Revoking them at " + provider + " failed (see the log): remove the app's access in your " + provider
					+ " account settings to be sure.";
		};
	}

	private void remove(ConnectionRow row) {
		String name = row.name();
		boolean oauth = row.isOAuth();
		String provider = row.providerProperty().get();
		show(oauth ? "Removing '" + name + "' and revoking its tokens…" : "Removing '" + name + "'…", false);
		model.remove(row).whenComplete((removed, failure) -> {
			if (failure != null) {
				show(ConnectionsModel.describe(failure, null), true);
				return;
			}
			StringBuilder text = new StringBuilder("Removed '" + name + "' and deleted its " + (oauth ? "tokens" : "key") + " from the keychain.");
			if (!removed.agents().isEmpty()) {
				text.append(" These agents lost access to it: ").append(String.join(", ", removed.agents())).append(".");
			}
			if (oauth) {
				text.append(" ").append(revocationText(provider, removed.revocation()));
			}
			show(text.toString(), oauth && removed.revocation() == TokenRevoker.Outcome.FAILED);
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

	/** A column whose cells draw the whole row themselves, following its properties. */
	private static TableColumn<ConnectionRow, ConnectionRow> liveColumn(String title, double width,
			java.util.function.Supplier<TableCell<ConnectionRow, ConnectionRow>> cells) {
		TableColumn<ConnectionRow, ConnectionRow> c = new TableColumn<>(title);
		c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue()));
		c.setCellFactory(col -> cells.get());
		c.setPrefWidth(width);
		return c;
	}

	private static TableColumn<ConnectionRow, String> column(String title, Function<ConnectionRow, ObservableValue<String>> value, double width) {
		TableColumn<ConnectionRow, String> c = new TableColumn<>(title);
		c.setCellValueFactory(cd -> cd.getValue() == null ? new ReadOnlyObjectWrapper<>() : value.apply(cd.getValue()));
		c.setPrefWidth(width);
		return c;
	}

	/** Reads a row out whole to a screen reader, and marks a failed test. */
	private static final class ConnectionTableRow extends TableRow<ConnectionRow> {
		private final Follower follower = new Follower(o -> render(), ConnectionTableRow::watched);

		@Override
		protected void updateItem(ConnectionRow row, boolean empty) {
			super.updateItem(row, empty);
			follower.follow(empty ? null : row);
			render();
		}

		private static List<Observable> watched(ConnectionRow row) {
			return List.of(row.statusProperty(), row.agentsProperty(), row.identityProperty(), row.scopesProperty(), row.needsReconnectProperty());
		}

		private void render() {
			ConnectionRow row = follower.shown();
			getStyleClass().removeAll("test-failed", "needs-reconnect");
			if (row == null) {
				setAccessibleText(null);
				return;
			}
			String status = row.status();
			if (row.needsReconnect()) {
				getStyleClass().add("needs-reconnect");
			} else if (!status.equals(ConnectionRow.NOT_TESTED) && !status.equals("Works") && !status.equals("Testing…")) {
				getStyleClass().add("test-failed");
			}
			String account = row.isOAuth() ? ", signed in with OAuth " + OAuthTexts.account(row.identityProperty().get()) + ", scopes "
					+ OAuthTexts.scopes(row.scopesProperty().get()) : ", API key";
			setAccessibleText(row.name() + ", " + row.providerProperty().get() + account + ", at " + row.baseUrlProperty().get()
					+ ", used by " + usedBy(row.agents()) + ", " + (row.needsReconnect() ? "needs reconnect" : status));
		}
	}

	/**
	 * Keeps one listener on the properties of whichever row a reused table row or cell shows now, and on no other:
	 * tables recycle their cells, and a listener left on an old row would redraw the cell with a stranger's state.
	 */
	private static final class Follower {
		private final InvalidationListener listener;
		private final java.util.function.Function<ConnectionRow, List<Observable>> watched;
		private ConnectionRow shown;

		Follower(InvalidationListener listener, java.util.function.Function<ConnectionRow, List<Observable>> watched) {
			this.listener = listener;
			this.watched = watched;
		}

		void follow(ConnectionRow now) {
			if (shown == now) {
				return;
			}
			if (shown != null) {
				watched.apply(shown).forEach(p -> p.removeListener(listener));
			}
			shown = now;
			if (now != null) {
				watched.apply(now).forEach(p -> p.addListener(listener));
			}
		}

		ConnectionRow shown() {
			return shown;
		}
	}

	/** A cell that draws its row through {@link #draw} and redraws whenever one of {@link #watched}'s properties changes. */
	private abstract static class LiveCell extends TableCell<ConnectionRow, ConnectionRow> {
		private final InvalidationListener redraw = o -> draw(getItem());
		private final Follower follower = new Follower(redraw, this::watched);

		LiveCell(IntegerProperty tick) {
			// Weak: the view's ticker must not keep cells alive after the table has dropped them.
			tick.addListener(new javafx.beans.WeakInvalidationListener(redraw));
		}

		abstract List<Observable> watched(ConnectionRow row);

		abstract void draw(ConnectionRow row);

		@Override
		protected void updateItem(ConnectionRow row, boolean empty) {
			super.updateItem(row, empty);
			ConnectionRow now = empty ? null : row;
			follower.follow(now);
			if (now == null) {
				setText(null);
				setGraphic(null);
				setTooltip(null);
			} else {
				draw(now);
			}
		}

		/** Two lines, the second smaller; the ids name what each says, for tests and screen-reader tooling. */
		static VBox lines(String first, String firstId, String second, String secondId) {
			Label top = new Label(first);
			top.setId(firstId);
			Label below = new Label(second);
			below.setId(secondId);
			below.getStyleClass().add("secondary");
			return new VBox(1, top, below);
		}
	}

	/** OAuth: "as octocat" over the scopes. API key: "API key" over how it is sent. */
	private static final class AccountCell extends LiveCell {
		AccountCell(IntegerProperty tick) {
			super(tick);
		}

		@Override
		List<Observable> watched(ConnectionRow row) {
			return List.of(row.identityProperty(), row.scopesProperty(), row.authProperty());
		}

		@Override
		void draw(ConnectionRow row) {
			if (row == null) {
				return;
			}
			setText(null);
			setGraphic(row.isOAuth()
					? lines(OAuthTexts.account(row.identityProperty().get()), "account-" + row.name(), OAuthTexts.scopes(row.scopesProperty().get()),
							"scopes-" + row.name())
					: lines("API key", "account-" + row.name(), row.authProperty().get(), "auth-" + row.name()));
		}
	}

	/**
	 * The last test's outcome, and for OAuth the token's lifetime below it; a connection whose sign-in the provider
	 * refused shows a warning badge and its own Reconnect button instead.
	 */
	private static final class StatusCell extends LiveCell {
		private final java.time.Clock clock;
		private final java.util.function.Consumer<ConnectionRow> reconnect;

		StatusCell(IntegerProperty tick, java.time.Clock clock, java.util.function.Consumer<ConnectionRow> reconnect) {
			super(tick);
			this.clock = clock;
			this.reconnect = reconnect;
		}

		@Override
		List<Observable> watched(ConnectionRow row) {
			return List.of(row.statusProperty(), row.expiresAtProperty(), row.needsReconnectProperty(), row.statusDetailProperty());
		}

		@Override
		void draw(ConnectionRow row) {
			if (row == null) {
				return;
			}
			setText(null);
			setTooltip(null);
			if (row.needsReconnect()) {
				Label badge = new Label("⚠ Needs reconnect");
				badge.setId("needs-reconnect-" + row.name());
				badge.getStyleClass().add("badge-warning");
				String why = row.statusDetailProperty().get();
				badge.setAccessibleText("Needs reconnect: " + (why != null ? why : "the provider no longer accepts the sign-in")
						+ ". Agents are refused until you reconnect.");
				if (why != null) {
					badge.setTooltip(new javafx.scene.control.Tooltip(why + " Agents are refused until you reconnect."));
				}
				Button again = new Button("Reconnect");
				again.setId("reconnect-" + row.name());
				again.getStyleClass().add("reconnect-row");
				again.setAccessibleText("Reconnect " + row.name() + ": sign in to it again in your browser");
				again.setOnAction(e -> reconnect.accept(row));
				HBox box = new HBox(6, badge, again);
				box.setAlignment(Pos.CENTER_LEFT);
				setGraphic(box);
			} else if (row.isOAuth()) {
				String expiry = OAuthTexts.expiry(row.expiresAtProperty().get(), clock.instant());
				setGraphic(lines(row.status(), "status-" + row.name(), expiry, "expiry-" + row.name()));
				setTooltip(new javafx.scene.control.Tooltip(row.status() + "; " + expiry)); // the column may be too narrow for it
			} else {
				setGraphic(null);
				setText(row.status());
			}
		}
	}
}
