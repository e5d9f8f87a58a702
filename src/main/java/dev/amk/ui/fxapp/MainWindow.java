package dev.amk.ui.fxapp;

import dev.amk.activity.ActivityTracker;
import dev.amk.ui.activity.ActivityView;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.agents.AgentsView;
import dev.amk.ui.common.AppTheme;
import dev.amk.ui.connections.ConnectionsModel;
import dev.amk.ui.connections.ConnectionsView;
import javafx.beans.binding.Bindings;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

import java.time.Clock;
import java.time.ZoneId;

/** The compact main window: Agents and Activity, with a status line. Closing it only hides it. */
public final class MainWindow {
	private final Stage stage;
	private final TabPane tabs;
	private final AgentsView agentsView;
	private final ActivityView activityView;
	private ConnectionsView connectionsView;

	public MainWindow(Stage stage, AgentsModel agents, ActivityTracker activity, int port, Clock clock, ZoneId zone) {
		this.stage = stage;
		this.agentsView = new AgentsView(agents, clock);
		this.activityView = new ActivityView(activity, zone);
		Tab agentsTab = new Tab("Agents", agentsView);
		Tab activityTab = new Tab("Activity", activityView);
		agentsTab.setId("tab-agents");
		activityTab.setId("tab-activity");
		this.tabs = new TabPane(agentsTab, activityTab);
		tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
		Label status = new Label();
		status.setId("status-line");
		status.getStyleClass().add("status-line");
		status.textProperty().bind(Bindings.createStringBinding(() -> agents.statusLine(port),
				agents.activeCountProperty(), agents.rows()));
		BorderPane root = new BorderPane(tabs);
		root.setBottom(status);
		Scene scene = new Scene(root, 760, 480);
		scene.getStylesheets().add(MainWindow.class.getResource("/dev/amk/ui/amk.css").toExternalForm());
		followAppearance(scene);
		stage.setTitle("Agent Master Key");
		stage.setScene(scene);
	}

	/**
	 * The app's own dark colours (the activity dot, denied rows) on top of the theme's, whenever {@link AppTheme#dark()}
	 * says the app is dark.
	 */
	static void followAppearance(Scene scene) {
		String dark = MainWindow.class.getResource("/dev/amk/ui/amk-dark.css").toExternalForm();
		AppTheme.dark().subscribe(useDark -> {
			scene.getStylesheets().remove(dark);
			if (useDark) {
				scene.getStylesheets().add(dark);
			}
		});
	}

	/** Adds a view as the last tab: how the composition root plugs in views that need more than the broker. */
	public Tab addTab(String title, javafx.scene.Node content, String id) {
		Tab tab = new Tab(title, content);
		tab.setId(id);
		tabs.getTabs().add(tab);
		return tab;
	}

	/** Brings the tab with this id to the front. */
	public void selectTab(String id) {
		tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().ifPresent(t -> tabs.getSelectionModel().select(t));
	}

	/**
	 * Adds the Connections tab right after Agents (addTab would put it last). Not in the constructor because only
	 * the composition root has the connection services; call once, on the FX thread.
	 */
	public ConnectionsView addConnectionsTab(ConnectionsModel connections) {
		connectionsView = new ConnectionsView(connections);
		Tab tab = new Tab("Connections", connectionsView);
		tab.setId("tab-connections");
		tabs.getTabs().add(tabs.getTabs().stream().map(Tab::getId).toList().indexOf("tab-agents") + 1, tab);
		return connectionsView;
	}

	/** The Connections view, or null until {@link #addConnectionsTab} has run. */
	public ConnectionsView connectionsView() {
		return connectionsView;
	}

	public void show() {
		stage.show();
		stage.toFront();
	}

	public Stage stage() {
		return stage;
	}

	public AgentsView agentsView() {
		return agentsView;
	}

	public ActivityView activityView() {
		return activityView;
	}
}
