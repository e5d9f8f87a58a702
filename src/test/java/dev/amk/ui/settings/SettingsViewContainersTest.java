package dev.amk.ui.settings;

import dev.amk.settings.Settings;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings' containers switch, headless: off by default, and each click saved to settings.properties for the next start. */
@ExtendWith(ApplicationExtension.class)
class SettingsViewContainersTest {
	@TempDir
	Path dataDir;

	Stage stage;
	ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
	SimpleObjectProperty<Settings> settings;

	@Start
	void start(Stage stage) {
		this.stage = stage;
	}

	@AfterEach
	void stop() {
		background.shutdown();
	}

	@Test
	@DisplayName("the containers switch starts off, saves allowContainers=true on a click and false on the next")
	void containersSwitch(FxRobot robot) {
		settings = new SimpleObjectProperty<>(Settings.load(dataDir));
		robot.interact(() -> {
			stage.setScene(new Scene(new SettingsView(dataDir, settings, null, 9323, background), 720, 420));
			stage.show();
		});
		assertFalse(find(robot, "#settings-allow-containers", CheckBox.class).isSelected());

		robot.clickOn("#settings-allow-containers");
		waitUntil("the setting is saved", () -> Settings.load(dataDir).allowContainers());
		waitUntil("the change is confirmed", () -> text(robot, "#settings-message").contains("host.docker.internal:9323"));
		assertTrue(settings.get().allowContainers());

		robot.clickOn("#settings-allow-containers");
		waitUntil("the setting is saved off", () -> !Settings.load(dataDir).allowContainers());
		assertFalse(settings.get().allowContainers());
	}
}
