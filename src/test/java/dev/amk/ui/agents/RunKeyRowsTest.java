package dev.amk.ui.agents;

import dev.amk.agents.AgentService;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.FxScreen;
import dev.amk.testing.Teardown;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.amk.testing.BrokerFixture.errorType;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keys {@code amk run} makes, in the app's agent list (TestFX, headless under Monocle, against the real in-process
 * broker): listed under their agent, revoked one by one with their own switch, and ended with their agent's.
 */
@ExtendWith(ApplicationExtension.class)
class RunKeyRowsTest {
	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	DesktopApp app;
	String coderKey;
	AgentService.Issued first;
	AgentService.Issued second;

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-run-rows-test-secret");
		coderKey = broker.createAgent("coder", "openai");
		// By name alone "coder-x" sorts between coder and its run keys ('-' before '.').
		broker.createAgent("coder-x", "openai");
		// Made as amk run makes them, in the running broker.
		AgentService.Issued a = broker.broker.agents().createChild("coder", null, Duration.ofSeconds(30), null);
		AgentService.Issued b = broker.broker.agents().createChild("coder", null, Duration.ofSeconds(30), null);
		boolean aFirst = a.agent().name().compareTo(b.agent().name()) < 0;
		first = aFirst ? a : b;
		second = aFirst ? b : a;
		broker.awaitRegistry(s -> s.agents().size() == 4);
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> { });
		app.start(stage, () -> { });
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(app == null ? null : app::stop, broker, upstream);
	}

	private AgentRow row(String name) {
		return app.agents().rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
	}

	/** The switch of {@code agent}'s row on screen; found by its id as a value, since a run key's name has a '.' in it. */
	private static ToggleButton toggle(FxRobot robot, String agent) {
		return robot.lookup((Node n) -> ("toggle-" + agent).equals(n.getId()) && FxScreen.onScreen(n)).queryAs(ToggleButton.class);
	}

	private static boolean switchShowing(FxRobot robot, String agent) {
		return robot.lookup((Node n) -> ("toggle-" + agent).equals(n.getId()) && FxScreen.onScreen(n)).tryQuery().isPresent();
	}

	/** The texts of the row showing {@code agent}: its name label and the line under it. */
	private static List<String> rowTexts(FxRobot robot, String agent) {
		Label name = robot.lookup(".agent-name").match((Node n) -> FxScreen.onScreen(n) && ((Label) n).getText().endsWith(agent)).queryAs(Label.class);
		Label reach = (Label) name.getParent().getChildrenUnmodifiable().get(1);
		return List.of(name.getText(), reach.getText());
	}

	private int status(String key) {
		return broker.get("/openai/v1/models", "Authorization", "Bearer " + key).statusCode();
	}

	@Test
	@DisplayName("run keys are listed under their agent as '↳ coder.run-…' with 'run key · expires in …'; Edit grants and Rotate key are off for them")
	void listedUnderTheirAgent(FxRobot robot) {
		assertEquals(List.of("coder", first.agent().name(), second.agent().name(), "coder-x"),
				app.agents().rows().stream().map(AgentRow::name).toList());
		assertTrue(row(first.agent().name()).isRunKey());
		assertFalse(row("coder").isRunKey());
		waitUntil("the run key's row shows", () -> switchShowing(robot, second.agent().name()));
		List<String> texts = rowTexts(robot, first.agent().name());
		assertEquals("↳ " + first.agent().name(), texts.get(0));
		assertTrue(texts.get(1).matches("run key · expires in \\d+ s · openai"), texts.get(1));
		assertEquals(List.of("coder", "openai"), rowTexts(robot, "coder"));

		robot.interact(() -> app.window().agentsView().list().getSelectionModel().select(row(first.agent().name())));
		assertTrue(FxScreen.find(robot, "#edit-grants", Button.class).isDisabled());
		assertTrue(FxScreen.find(robot, "#rotate-key", Button.class).isDisabled());
		assertFalse(FxScreen.find(robot, "#delete-agent", Button.class).isDisabled());
		robot.interact(() -> app.window().agentsView().list().getSelectionModel().select(row("coder")));
		assertFalse(FxScreen.find(robot, "#edit-grants", Button.class).isDisabled());
		assertFalse(FxScreen.find(robot, "#rotate-key", Button.class).isDisabled());
	}

	@Test
	@DisplayName("a run key's switch revokes that key alone (its switch then stays off); the agent's switch ends the other run key too")
	void revokeOneThenTheAgent(FxRobot robot) {
		Stream.of(first.key(), second.key(), coderKey).forEach(k -> assertEquals(200, status(k)));
		waitUntil("the run key's switch shows", () -> switchShowing(robot, first.agent().name()));

		robot.clickOn(toggle(robot, first.agent().name()));
		waitUntil("the first run key shows as revoked", () -> !row(first.agent().name()).isActive());
		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + first.key())));
		assertEquals(200, status(second.key()));
		assertEquals(200, status(coderKey));
		waitUntil("its switch cannot turn it back on", () -> toggle(robot, first.agent().name()).isDisabled());
		assertTrue(row(second.agent().name()).isActive());

		robot.clickOn(toggle(robot, "coder"));
		waitUntil("the agent and its other run key show as revoked", () -> !row("coder").isActive() && !row(second.agent().name()).isActive());
		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + second.key())));
		assertEquals(null, app.agents().lastErrorProperty().get());
	}
}
