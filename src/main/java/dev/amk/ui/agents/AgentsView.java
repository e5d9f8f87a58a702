package dev.amk.ui.agents;

import dev.amk.common.Durations;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.util.Duration;

import java.time.Clock;
import java.time.Instant;

/** The live agent list: who may reach what, when each was last seen, and a switch that revokes at once. */
public final class AgentsView extends BorderPane {
	private final ListView<AgentRow> list;
	/** Ticks once a second so that "4 s ago" keeps moving; cells redraw their texts in place. */
	private final javafx.beans.property.LongProperty tick = new javafx.beans.property.SimpleLongProperty();

	public AgentsView(AgentsModel model, Clock clock) {
		list = new ListView<>(model.rows());
		list.setId("agents");
		list.setAccessibleText("Agents");
		list.setPlaceholder(new Label("No agents yet. Click New agent… to create one, or run 'amk agent create NAME --grant CONNECTION'."));
		list.setCellFactory(v -> new AgentCell(model, clock, tick));
		setCenter(list);
		// New agent…, Edit grants…, Rotate key…, Delete…; also Enter and Delete on the list.
		setTop(new AgentToolbar(model.actions(), list));
		Label error = new Label();
		error.getStyleClass().add("error-text");
		error.textProperty().bind(model.lastErrorProperty());
		error.visibleProperty().bind(model.lastErrorProperty().isNotNull());
		error.managedProperty().bind(error.visibleProperty());
		setBottom(error);
		// Not list.refresh(): that rebuilds every cell, detaching the switch a person may be about to click.
		// The ticker runs only while the window shows: a running animation keeps JavaFX pulsing, which an
		// app that idles in the menu bar cannot afford.
		Timeline ticker = new Timeline(new KeyFrame(Duration.seconds(1), e -> tick.set(tick.get() + 1)));
		ticker.setCycleCount(Timeline.INDEFINITE);
		sceneProperty().flatMap(javafx.scene.Scene::windowProperty).flatMap(javafx.stage.Window::showingProperty).orElse(false)
				.subscribe(showing -> {
					if (showing) {
						tick.set(tick.get() + 1);
						ticker.play();
					} else {
						ticker.stop();
					}
				});
	}

	public ListView<AgentRow> list() {
		return list;
	}

	/** Puts "Run a tool with this agent" under the list, following the selected agent. */
	public void showRunHelp(RunToolPane pane) {
		pane.setPadding(new Insets(8));
		javafx.scene.Node error = getBottom();
		setBottom(new VBox(error, pane));
		// A run key's row shows how to run a tool with its agent: the key itself belongs to a run already going.
		list.getSelectionModel().selectedItemProperty().subscribe(row -> pane.show(row == null ? null : row.isRunKey() && !row.parentNameProperty()
				.get().isEmpty() ? row.parentNameProperty().get() : row.name()));
	}

	/**
	 * One row: activity dot, name and reach, last seen and today's counts, the switch. An {@code amk run}'s key is indented
	 * under its agent ("↳ coder.run-6acbef", "run key · expires in 25 s · openai"); its switch only revokes.
	 */
	static final class AgentCell extends ListCell<AgentRow> {
		private final AgentsModel model;
		private final Clock clock;
		private final Circle dot = new Circle(4);
		private final Label name = new Label();
		private final Label reach = new Label();
		private final Label seen = new Label();
		private final Label counts = new Label();
		private final Label usage = new Label();
		private final ToggleButton toggle = new ToggleButton();
		private final HBox root;
		/** Rows change in place, so a cell follows its row's properties, not just the list. */
		private final javafx.beans.InvalidationListener redraw = o -> render();
		private AgentRow shown;

		AgentCell(AgentsModel model, Clock clock, javafx.beans.value.ObservableValue<Number> tick) {
			this.model = model;
			this.clock = clock;
			tick.addListener(redraw);
			name.getStyleClass().add("agent-name");
			reach.getStyleClass().add("secondary");
			seen.getStyleClass().add("secondary");
			counts.getStyleClass().add("secondary");
			usage.getStyleClass().add("secondary");
			usage.managedProperty().bind(usage.visibleProperty());
			toggle.getStyleClass().add("switch");
			toggle.setOnAction(e -> {
				AgentRow row = getItem();
				if (row != null) {
					model.setActive(row, toggle.isSelected());
				}
			});
			Region spacer = new Region();
			HBox.setHgrow(spacer, Priority.ALWAYS);
			VBox left = new VBox(2, name, reach, usage);
			VBox right = new VBox(2, seen, counts);
			right.setAlignment(Pos.CENTER_RIGHT);
			root = new HBox(10, dot, left, spacer, right, toggle);
			root.setAlignment(Pos.CENTER_LEFT);
			root.setPadding(new Insets(6, 8, 6, 8));
		}

		@Override
		protected void updateItem(AgentRow row, boolean empty) {
			super.updateItem(row, empty);
			follow(empty ? null : row);
			render();
		}

		private void follow(AgentRow row) {
			if (shown == row) {
				return;
			}
			if (shown != null) {
				properties(shown).forEach(p -> p.removeListener(redraw));
			}
			shown = row;
			if (row != null) {
				properties(row).forEach(p -> p.addListener(redraw));
			}
		}

		private static java.util.List<javafx.beans.Observable> properties(AgentRow r) {
			return java.util.List.of(r.nameProperty(), r.reachProperty(), r.statusProperty(), r.activeProperty(), r.lastSeenProperty(),
					r.requestsTodayProperty(), r.deniedTodayProperty(), r.usageProperty(), r.parentNameProperty(), r.expiresAtProperty());
		}

		private void render() {
			AgentRow row = shown;
			if (row == null) {
				toggle.setId(null);
				setGraphic(null);
				setAccessibleText(null);
				return;
			}
			Instant now = clock.instant();
			Instant last = row.lastSeenProperty().get();
			boolean runKey = row.isRunKey();
			name.setText(runKey ? "↳ " + row.name() : row.name());
			Instant expires = row.expiresAtProperty().get();
			String run = !runKey ? "" : "run key · " + (expires == null ? "" : expires.isAfter(now) ? "expires " + Durations.until(expires, now) + " · "
					: "expired · ");
			reach.setText(run + row.reachProperty().get() + (row.isActive() ? "" : " — " + row.statusProperty().get()));
			root.setPadding(new Insets(6, 8, 6, runKey ? 32 : 8));
			seen.setText(last == null ? "never seen" : "seen " + Durations.ago(last, now));
			long denied = row.deniedTodayProperty().get();
			counts.setText(row.requestsTodayProperty().get() + " today" + (denied > 0 ? " · " + denied + " denied" : ""));
			String used = row.usageProperty().get();
			usage.setText(used);
			usage.setVisible(!used.isEmpty());
			boolean recent = last != null && now.toEpochMilli() - last.toEpochMilli() < 10_000;
			dot.getStyleClass().setAll(recent ? "activity-dot-live" : "activity-dot");
			toggle.setSelected(row.isActive());
			toggle.setDisable(runKey && !row.isActive()); // a run key is never enabled again (AgentService.enable)
			toggle.setText(row.isActive() ? "Active" : "Revoked");
			toggle.setId("toggle-" + row.name());
			toggle.setAccessibleText((row.isActive() ? "Revoke " : "Enable ") + row.name());
			setAccessibleText(row.name() + (runKey ? ", run key of " + row.parentNameProperty().get() : "") + ", " + row.statusProperty().get()
					+ ", may reach " + row.reachProperty().get());
			setGraphic(root);
		}
	}
}
