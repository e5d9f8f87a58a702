package dev.amk.ui.fxapp;

import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.Teardown;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app's side of the agent controls, on the real broker: the decoy alarm and its "pause all", and the approval window. */
@ExtendWith(ApplicationExtension.class)
class DesktopAppControlsTest {
	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	DesktopApp app;
	String coderKey;
	final List<String> notifications = new CopyOnWriteArrayList<>();

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-desktop-controls-secret");
		coderKey = broker.createAgent("coder", "openai", "openai:ask:POST:/v1/chat/**");
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> notifications.add(title + ": " + message));
		app.start(stage, () -> { });
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(app == null ? null : app::stop, broker, upstream);
	}

	@Test
	@DisplayName("a decoy's use raises the alarm; its Pause all agents button revokes every active agent")
	void decoyAlarmPausesAll(FxRobot robot) {
		BrokerFixture.CliResult decoy = broker.cli("agent", "create", "canary", "--decoy", "--json");
		assertEquals(0, decoy.exit(), decoy.err());
		String decoyKey = (String) decoy.json().get("key");
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("canary")));
		assertEquals("unknown_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + decoyKey)));

		waitUntil("the alarm is shown", () -> showing(robot, "#decoy-alert"));
		assertTrue(notifications.stream().anyMatch(n -> n.startsWith("Decoy key used: The decoy key 'canary' was just used")), notifications.toString());
		java.util.function.Predicate<javafx.scene.Node> pauseButton = n -> n instanceof Button b && "Pause all agents".equals(b.getText())
				&& dev.amk.testing.FxScreen.onScreen(n);
		waitUntil("the alarm's Pause all agents button is on screen", () -> robot.lookup(pauseButton).tryQuery().isPresent());
		Button pause = robot.lookup(pauseButton).queryAs(Button.class);
		robot.clickOn(pause);
		waitUntil("coder is paused", () -> broker.broker.registry().current().agents().stream()
				.filter(a -> a.agent().name().equals("coder")).allMatch(a -> a.agent().revokedAt() != null));
		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey)));
	}

	@Test
	@DisplayName("a request under an ask rule opens the approval window; Approve once lets it through")
	void approvalWindow(FxRobot robot) throws Exception {
		var response = broker.http.sendAsync(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + coderKey).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		waitUntil("the approval window is shown", () -> showing(robot, "#approval-sheet"));
		assertEquals(0, upstream.getRequestCount());
		assertTrue(notifications.stream().anyMatch(n -> n.startsWith("Approval needed: coder asks to POST /v1/chat/completions on openai")),
				notifications.toString());
		// The sheet's window can be showing before its buttons are laid out inside it: wait for the button itself.
		waitUntil("Approve once is on screen", () -> showing(robot, "#approval-once"));
		robot.clickOn(dev.amk.testing.FxScreen.find(robot, "#approval-once", Button.class));
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(200, answered.statusCode(), answered.body());
		assertEquals(1, upstream.getRequestCount());
	}
}
