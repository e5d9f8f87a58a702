package dev.amk.ui.activity;

import dev.amk.activity.ActivityTracker;
import dev.amk.audit.AuditEvent;
import dev.amk.ui.common.FxBatcher;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The live audit log: newest first, filterable by agent, denied rows marked and each kind of refusal named in words. */
public final class ActivityView extends BorderPane {
	private static final String ALL = "All agents";
	private final ActivityTracker activity;
	private final ObservableList<AuditEvent> rows = FXCollections.observableArrayList();
	private final ComboBox<String> filter = new ComboBox<>();
	private final TableView<AuditEvent> table = new TableView<>(rows);
	private final DateTimeFormatter time;

	public ActivityView(ActivityTracker activity, ZoneId zone) {
		this.activity = activity;
		this.time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
		table.setId("activity");
		table.setAccessibleText("Activity");
		table.setPlaceholder(new Label("No requests yet."));
		table.getColumns().setAll(List.of(
				column("Time", e -> time.format(e.time()), 70),
				column("Agent", e -> Objects.requireNonNullElse(e.agent(), "—"), 110),
				column("Connection", e -> Objects.requireNonNullElse(e.connection(), "—"), 95),
				column("Method", AuditEvent::method, 65),
				column("Path", AuditEvent::path, 185),
				column("MCP", e -> Objects.requireNonNullElse(e.mcpSummary(), "—"), 150),
				outcomeColumn(),
				column("Status", e -> e.reason() == null ? String.valueOf(e.status()) : e.status() + " " + e.reason(), 140),
				column("ms", e -> String.valueOf(e.latencyMs()), 50)));
		table.setRowFactory(t -> new TableRow<>() {
			@Override
			protected void updateItem(AuditEvent e, boolean empty) {
				super.updateItem(e, empty);
				getStyleClass().remove("denied");
				if (!empty && e != null && !AuditEvent.ALLOWED.equals(e.decision())) {
					getStyleClass().add("denied");
				}
			}
		});
		filter.setId("activity-filter");
		filter.setAccessibleText("Show requests of");
		filter.getItems().setAll(ALL);
		filter.setValue(ALL);
		filter.setOnAction(e -> refresh());
		HBox top = new HBox(8, new Label("Show"), filter);
		top.setPadding(new Insets(6));
		setTop(top);
		setCenter(table);
		FxBatcher batcher = new FxBatcher(this::refresh);
		activity.addListener(batcher::request);
		refresh();
	}

	private TableColumn<AuditEvent, String> column(String title, Function<AuditEvent, String> value, double width) {
		TableColumn<AuditEvent, String> c = new TableColumn<>(title);
		c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
		c.setPrefWidth(width);
		c.setSortable(false);
		return c;
	}

	/**
	 * The outcome in words, one label per kind of refusal (see {@link RefusalKind}), coloured by its family, with the
	 * sentence behind it as a tooltip: the Status column's {@code 429 rate_limited} is for people who know the codes.
	 */
	private static TableColumn<AuditEvent, RefusalKind> outcomeColumn() {
		TableColumn<AuditEvent, RefusalKind> c = new TableColumn<>("Outcome");
		c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(RefusalKind.of(cd.getValue())));
		c.setCellFactory(col -> new TableCell<>() {
			private final Tooltip tip = new Tooltip();

			@Override
			protected void updateItem(RefusalKind kind, boolean empty) {
				super.updateItem(kind, empty);
				getStyleClass().removeIf(sc -> sc.startsWith("outcome-"));
				if (empty || kind == null) {
					setText(null);
					setTooltip(null);
					setAccessibleText(null);
					return;
				}
				setText(kind.label());
				tip.setText(kind.explanation());
				tip.setWrapText(true);
				tip.setMaxWidth(360);
				setTooltip(tip);
				setAccessibleText(kind.spoken());
				getStyleClass().add(kind.family().styleClass());
			}
		});
		c.setPrefWidth(130);
		c.setSortable(false);
		return c;
	}

	private void refresh() {
		List<AuditEvent> feed = activity.feed();
		String chosen = filter.getValue();
		List<String> agents = feed.stream().map(AuditEvent::agent).filter(Objects::nonNull).distinct().sorted().toList();
		if (!filter.getItems().subList(1, filter.getItems().size()).equals(agents)) {
			filter.getItems().setAll(ALL);
			filter.getItems().addAll(agents);
			filter.setValue(chosen == null ? ALL : chosen);
		}
		rows.setAll(ALL.equals(chosen) || chosen == null ? feed : feed.stream().filter(e -> chosen.equals(e.agent())).toList());
	}

	public TableView<AuditEvent> table() {
		return table;
	}
}
