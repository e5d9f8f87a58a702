package dev.amk.ui.fxapp;

import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The app's composition root puts the Connections tab, on the broker's own services, right after Agents. */
@ExtendWith(ApplicationExtension.class)
class DesktopAppConnectionsTest {
	@TempDir
	Path home;

	BrokerFixture broker;
	DesktopApp app;

	@Start
	void start(Stage stage) {
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", "http://127.0.0.1:9/", "sk-wiring-test-secret-000000");
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> { });
		app.start(stage, () -> { });
		app.window().show();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(app == null ? null : app::stop, broker);
	}

	@Test
	@DisplayName("the app shows Connections after Agents, listing the broker's connections")
	void wiresTheConnectionsTab(FxRobot robot) {
		TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
		assertEquals(List.of("tab-agents", "tab-connections", "tab-activity", "tab-settings", "tab-doctor"), tabs.getTabs().stream().map(Tab::getId).toList());
		robot.clickOn("#tab-connections");
		assertSame(app.connections().rows(), app.window().connectionsView().table().getItems());
		assertEquals("openai", app.connections().rows().getFirst().name());
		// The sign-in buttons are wired to the broker's own services: every OAuth provider has one.
		javafx.scene.layout.HBox oauth = robot.lookup("#oauth-connect-buttons").queryAs(javafx.scene.layout.HBox.class);
		assertEquals(List.of("connect-github", "connect-google", "connect-slack", "connect-notion", "connect-linear", "connect-oauth"),
				oauth.getChildren().stream().map(javafx.scene.Node::getId).filter(id -> id != null).toList());
	}
}
