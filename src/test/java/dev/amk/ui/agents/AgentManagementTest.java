package dev.amk.ui.agents;

import dev.amk.access.AccessSnapshot;
import dev.amk.agents.Agent;
import dev.amk.agents.AgentKey;
import dev.amk.agents.GrantRule;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.Teardown;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.amk.testing.FxScreen.waitUntil;

/**
 * New agent, Edit grants, Rotate key and Delete, driven through the real window (TestFX, headless under Monocle)
 * against the real in-process broker: in-memory keychain, real proxy, a loopback upstream. Every effect is checked
 * where it matters, through the proxy.
 */
@ExtendWith(ApplicationExtension.class)
class AgentManagementTest {
	private static final String OPENAI_SECRET = "sk-agent-ui-test-secret";

	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	DesktopApp app;
	String coderKey;

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), OPENAI_SECRET);
		broker.addConnection("github", "github", upstream.url("/").toString(), "ghp_agent_ui_test_secret");
		coderKey = broker.createAgent("coder", "openai");
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> { }); // denial notifications are not under test here
		app.start(stage, () -> { });
		// What the app does once the broker listens: setup text must name the port agents really reach.
		app.agents().actions().setProxyPort(broker.port());
	}

	@AfterEach
	void stop() throws Exception {
		// Dialogs a failed test left open must not leak into the next one.
		if (app != null) {
			new FxRobot().interact(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w != app.window().stage()).forEach(Window::hide));
		}
		Teardown.closeAll(app == null ? null : app::stop, broker, upstream);
	}

	// --- helpers ---

	private ListView<AgentRow> list() {
		return app.window().agentsView().list();
	}

	private Optional<AgentRow> row(String name) {
		return app.agents().rows().stream().filter(r -> r.name().equals(name)).findFirst();
	}

	private void select(FxRobot robot, String name) {
		robot.interact(() -> {
			list().getSelectionModel().select(row(name).orElseThrow());
			list().requestFocus();
		});
	}

	/** A node that is showing: in a scene of a showing window (closed dialogs and off-screen cells do not count). */
	private static <T extends Node> Optional<T> showing(FxRobot robot, String query, Class<T> type) {
		return robot.lookup(query).match((Node n) -> n.getScene() != null && n.getScene().getWindow() != null
				&& n.getScene().getWindow().isShowing()).tryQueryAs(type);
	}

	private static <T extends Node> T awaitShowing(FxRobot robot, String query, Class<T> type) {
		waitUntil(query + " is showing", () -> showing(robot, query, type).isPresent());
		return showing(robot, query, type).orElseThrow();
	}

	private Optional<Agent> agent(String name) {
		return broker.broker.registry().current().agents().stream().map(AccessSnapshot.AgentEntry::agent)
				.filter(a -> a.name().equals(name)).findFirst();
	}

	private HttpResponse<String> get(String path, String key) {
		return broker.get(path, "Authorization", "Bearer " + key);
	}

	private HttpResponse<String> delete(String path, String key) {
		return broker.send(HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key).DELETE().build());
	}

	private static void choose(FxRobot robot, String choiceBox, String item) {
		robot.clickOn(choiceBox);
		// The item in the open menu, not a choice box elsewhere that happens to show the same text.
		waitUntil(choiceBox + " is open", () -> robot.lookup(choiceBox).queryAs(ChoiceBox.class).isShowing());
		robot.clickOn(robot.lookup(item).match((Node n) -> n.getScene() != null && n.getScene().getWindow() instanceof javafx.stage.PopupWindow
				&& n.isVisible()).queryAs(Node.class));
	}

	/** The key on the result screen, after checking it is a well-formed agent key. */
	private static TextField keyField(FxRobot robot) {
		TextField field = awaitShowing(robot, "#agent-key", TextField.class);
		waitUntil("the key is shown", () -> AgentKey.shape(field.getText()) == AgentKey.Shape.VALID);
		return field;
	}

	// --- tests ---

	@Test
	@DisplayName("New agent with a read-only grant: its key works for GET, gets 403 on DELETE, and upstream sees only the real secret")
	void createReadOnly(FxRobot robot) throws Exception {
		robot.clickOn("#new-agent");
		robot.clickOn(awaitShowing(robot, "#agent-name", TextField.class)).write("research-bot");
		robot.clickOn("#grant-openai");
		choose(robot, "#preset-openai", "Read-only");
		assertEquals(GrantRule.Preset.READ, showing(robot, "#preset-openai", ChoiceBox.class).orElseThrow().getValue());
		robot.clickOn("#editor-save");

		TextField keyField = keyField(robot);
		String key = keyField.getText();
		assertNotEquals(coderKey, key);
		assertTrue(showing(robot, "#key-warning", Label.class).orElseThrow().getText().contains("shown only this once"));
		waitUntil("the new agent is listed", () -> row("research-bot").isPresent());
		assertEquals("openai (read)", row("research-bot").orElseThrow().reachProperty().get());

		HttpResponse<String> read = get("/openai/v1/models", key);
		assertEquals(200, read.statusCode(), read.body());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + OPENAI_SECRET, seen.getHeaders().get("Authorization"));
		assertFalse(seen.getTarget().contains("amk_"), seen.getTarget());
		for (var h : seen.getHeaders()) {
			assertFalse(h.getSecond().contains("amk_"), "the agent key reached upstream in " + h.getFirst());
		}
		HttpResponse<String> write = delete("/openai/v1/files/1", key);
		assertEquals(403, write.statusCode());
		assertEquals("scope_denied", errorType(write));

		// The setup names the broker's real port and carries the key.
		String setup = showing(robot, "#setup-openai-openai-sdk", TextArea.class).orElseThrow().getText();
		assertTrue(setup.contains("export OPENAI_BASE_URL=http://127.0.0.1:" + broker.port() + "/openai/v1"), setup);
		assertTrue(setup.contains("export OPENAI_API_KEY=" + key), setup);
		assertTrue(showing(robot, "#setup-openai-curl", TextArea.class).orElseThrow().getText()
				.contains("curl http://127.0.0.1:" + broker.port() + "/openai/v1/models"));

		robot.clickOn("#copy-key");
		assertEquals(key, WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get(5, TimeUnit.SECONDS));
		robot.clickOn("#copy-openai-openai-sdk");
		assertEquals(setup, WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get(5, TimeUnit.SECONDS));

		TextArea setupField = showing(robot, "#setup-openai-openai-sdk", TextArea.class).orElseThrow();
		robot.clickOn("#key-done");
		waitUntil("the result window is closed", () -> showing(robot, "#agent-key", TextField.class).isEmpty());
		WaitForAsyncUtils.waitForFxEvents();
		assertEquals("", keyField.getText(), "closing the result screen clears the key");
		assertFalse(keyField.isUndoable(), "and leaves no undo step that would bring it back");
		assertEquals("", setupField.getText(), "and the setup that carried it");
	}

	@Test
	@DisplayName("New agent: bad fields are refused inline with what to type, nothing is created; fixed, the custom grant applies")
	void validationThenCustomGrant(FxRobot robot) {
		robot.clickOn("#new-agent");
		robot.clickOn(awaitShowing(robot, "#agent-name", TextField.class)).write("bad name");
		robot.clickOn("#grant-openai");
		choose(robot, "#preset-openai", "Custom…");
		robot.clickOn("#methods-openai").write("FETCH");
		choose(robot, "#expiry", "Custom…");
		robot.clickOn("#expiry-custom").write("soon");
		robot.clickOn("#editor-save");

		WaitForAsyncUtils.waitForFxEvents();
		assertTrue(showing(robot, "#agent-name-error", Label.class).orElseThrow().getText().contains("is not a usable agent name"));
		assertEquals("'FETCH' is not a preset or HTTP method. Use read, full, or methods such as GET,POST.",
				showing(robot, "#grant-error-openai", Label.class).orElseThrow().getText());
		assertTrue(showing(robot, "#expiry-error", Label.class).orElseThrow().getText().contains("'soon' is not a duration"));
		assertTrue(showing(robot, "#agent-key", TextField.class).isEmpty());

		TextField name = showing(robot, "#agent-name", TextField.class).orElseThrow();
		robot.interact(() -> {
			name.setText("coder"); // taken
			showing(robot, "#methods-openai", TextField.class).orElseThrow().setText("GET");
			showing(robot, "#paths-openai", TextField.class).orElseThrow().setText("/v1/models");
			showing(robot, "#expiry-custom", TextField.class).orElseThrow().setText("90m");
		});
		robot.clickOn("#editor-save");
		waitUntil("the name is refused as taken", () -> showing(robot, "#agent-name-error", Label.class).orElseThrow().getText()
				.contains("already exists"));
		assertFalse(showing(robot, "#grant-error-openai", Label.class).orElseThrow().isVisible(), "fixed fields lose their error");

		robot.interact(() -> name.setText("narrow-bot"));
		Instant before = Instant.now();
		robot.clickOn("#editor-save");
		String key = keyField(robot).getText();

		Agent created = agent("narrow-bot").orElseThrow();
		assertEquals("openai (GET on /v1/models)", created.reach());
		assertTrue(!created.expiresAt().isBefore(before.plus(Duration.ofMinutes(90)))
				&& created.expiresAt().isBefore(Instant.now().plus(Duration.ofMinutes(91))), "expires in 90 minutes: " + created.expiresAt());
		assertEquals(200, get("/openai/v1/models", key).statusCode());
		assertEquals("scope_denied", errorType(get("/openai/v1/files", key)));
		robot.clickOn("#key-done");
	}

	@Test
	@DisplayName("the agent actions need a selected row; New agent does not")
	void actionsNeedASelection(FxRobot robot) {
		for (String id : List.of("#edit-grants", "#rotate-key", "#delete-agent")) {
			assertTrue(robot.lookup(id).queryAs(Button.class).isDisabled(), id + " without a selection");
		}
		assertFalse(robot.lookup("#new-agent").queryAs(Button.class).isDisabled());
		select(robot, "coder");
		for (String id : List.of("#edit-grants", "#rotate-key", "#delete-agent")) {
			assertFalse(robot.lookup(id).queryAs(Button.class).isDisabled(), id + " with a selection");
		}
	}

	@Test
	@DisplayName("Rotate key, confirmed: the old key gets 401 at once, the new one shown once works")
	void rotate(FxRobot robot) {
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode());
		select(robot, "coder");
		robot.clickOn("#rotate-key");
		robot.clickOn(awaitShowing(robot, "#rotate-confirm", Button.class));

		String newKey = keyField(robot).getText();
		assertNotEquals(coderKey, newKey);
		assertEquals("New key for 'coder'", showing(robot, "#key-result-heading", Label.class).orElseThrow().getText());
		HttpResponse<String> old = get("/openai/v1/models", coderKey);
		assertEquals(401, old.statusCode());
		assertEquals("unknown_key", errorType(old));
		assertEquals(200, get("/openai/v1/models", newKey).statusCode());
		assertTrue(showing(robot, "#setup-openai-openai-sdk", TextArea.class).orElseThrow().getText().contains(newKey));
		robot.clickOn("#key-done");
		waitUntil("the result window is closed", () -> showing(robot, "#agent-key", TextField.class).isEmpty());
	}

	@Test
	@DisplayName("Rotate key, cancelled: nothing changes")
	void rotateCancelled(FxRobot robot) {
		select(robot, "coder");
		robot.clickOn("#rotate-key");
		robot.clickOn(awaitShowing(robot, "#rotate-cancel", Button.class));
		waitUntil("the confirmation is gone", () -> showing(robot, "#rotate-dialog", Node.class).isEmpty());
		WaitForAsyncUtils.waitForFxEvents();
		assertTrue(showing(robot, "#agent-key", TextField.class).isEmpty());
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode());
	}

	@Test
	@DisplayName("Delete from the keyboard: the Delete key asks, naming the agent; Cancel keeps it, confirming removes it and its key gets 401")
	void deleteFromKeyboard(FxRobot robot) {
		select(robot, "coder");
		robot.type(KeyCode.DELETE);
		Node dialog = awaitShowing(robot, "#delete-dialog", Node.class);
		assertTrue(((javafx.scene.control.DialogPane) dialog).getHeaderText().contains("'coder'"));
		robot.clickOn("#delete-cancel");
		waitUntil("the confirmation is gone", () -> showing(robot, "#delete-dialog", Node.class).isEmpty());
		assertTrue(row("coder").isPresent());
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode());

		select(robot, "coder");
		robot.type(KeyCode.DELETE);
		robot.clickOn(awaitShowing(robot, "#delete-confirm", Button.class));
		waitUntil("the row disappears", () -> row("coder").isEmpty());
		HttpResponse<String> gone = get("/openai/v1/models", coderKey);
		assertEquals(401, gone.statusCode());
		assertEquals("unknown_key", errorType(gone));
		assertNull(app.agents().lastErrorProperty().get());
	}

	@Test
	@DisplayName("Delete from the toolbar, confirmed: the agent is gone")
	void deleteFromToolbar(FxRobot robot) {
		select(robot, "coder");
		robot.clickOn("#delete-agent");
		robot.clickOn(awaitShowing(robot, "#delete-confirm", Button.class));
		waitUntil("the row disappears", () -> row("coder").isEmpty());
		assertEquals("unknown_key", errorType(get("/openai/v1/models", coderKey)));
	}

	@Test
	@DisplayName("Edit grants (Enter on the list) narrows a full grant to read-only: DELETE now gets 403, the key stays the same")
	void editGrantsNarrows(FxRobot robot) {
		assertEquals(200, delete("/openai/v1/files/1", coderKey).statusCode(), "a full grant allows DELETE");
		select(robot, "coder");
		robot.type(KeyCode.ENTER);

		TextField name = awaitShowing(robot, "#agent-name", TextField.class);
		assertEquals("coder", name.getText());
		assertTrue(name.isDisabled(), "the name is fixed when editing");
		assertTrue(showing(robot, "#grant-openai", CheckBox.class).orElseThrow().isSelected());
		assertFalse(showing(robot, "#grant-github", CheckBox.class).orElseThrow().isSelected());
		choose(robot, "#preset-openai", "Read-only");
		robot.clickOn("#editor-save");

		waitUntil("the editor closes", () -> showing(robot, "#agent-name", TextField.class).isEmpty());
		assertEquals("openai (read)", row("coder").orElseThrow().reachProperty().get());
		HttpResponse<String> denied = delete("/openai/v1/files/1", coderKey);
		assertEquals(403, denied.statusCode());
		assertEquals("scope_denied", errorType(denied));
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode(), "reads still work, with the same key");
		assertNull(agent("coder").orElseThrow().expiresAt(), "the expiry was left unchanged");
	}

	@Test
	@DisplayName("Edit grants adds a connection and an expiry; Cancel changes nothing")
	void editGrantsAddsAndCancels(FxRobot robot) {
		select(robot, "coder");
		robot.clickOn("#edit-grants");
		awaitShowing(robot, "#grant-github", CheckBox.class);
		robot.clickOn("#grant-openai"); // untick: no longer granted
		robot.clickOn("#editor-cancel");
		waitUntil("the editor closes", () -> showing(robot, "#agent-name", TextField.class).isEmpty());
		assertEquals("openai", agent("coder").orElseThrow().reach());

		select(robot, "coder");
		robot.clickOn("#edit-grants");
		robot.clickOn(awaitShowing(robot, "#grant-github", CheckBox.class));
		choose(robot, "#expiry", "7 days");
		robot.clickOn("#editor-save");
		waitUntil("the editor closes", () -> showing(robot, "#agent-name", TextField.class).isEmpty());
		Agent coder = agent("coder").orElseThrow();
		assertEquals("github · openai", coder.reach());
		assertTrue(coder.expiresAt() != null && coder.expiresAt().isAfter(Instant.now().plus(Duration.ofDays(6))));
		assertEquals(200, get("/github/user", coderKey).statusCode());
	}

	@Test
	@DisplayName("the editor's limits: a bad value is shown and saves nothing; --rpm 1 saved from the form limits the proxy; the list shows limits and usage")
	void editLimits(FxRobot robot) {
		select(robot, "coder");
		robot.type(KeyCode.ENTER);
		TextField rpm = awaitShowing(robot, "#limit-rpm", TextField.class);
		assertEquals("", rpm.getText(), "no limits yet");
		robot.interact(() -> rpm.setText("fast"));
		robot.clickOn("#editor-save");
		Label error = awaitShowing(robot, "#limits-error", Label.class);
		assertTrue(error.getText().contains("Requests per minute"), error.getText());
		assertEquals(null, broker.broker.registry().current().limits(agent("coder").orElseThrow().id()).requestsPerMinute());

		robot.interact(() -> {
			rpm.setText("1");
			showing(robot, "#limit-models", TextField.class).orElseThrow().setText("gpt-4o*");
		});
		robot.clickOn("#editor-save");
		waitUntil("the editor closes", () -> showing(robot, "#limit-rpm", TextField.class).isEmpty());
		long id = agent("coder").orElseThrow().id();
		assertEquals(Integer.valueOf(1), broker.broker.registry().current().limits(id).requestsPerMinute());
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode());
		HttpResponse<String> limited = get("/openai/v1/models", coderKey);
		assertEquals(429, limited.statusCode());
		assertEquals("rate_limited", errorType(limited));
		waitUntil("the list shows the limits", () -> row("coder").orElseThrow().usageProperty().get().contains("1 rpm · gpt-4o*"));

		assertEquals(0, broker.cli("agent", "limit", "coder", "--daily-usd", "5").exit());
		waitUntil("the list shows today's use against the budget", () -> row("coder").orElseThrow().usageProperty().get()
				.contains("0 tokens · $0.00 of $5.00 today"));
		select(robot, "coder");
		robot.type(KeyCode.ENTER);
		assertEquals("1", awaitShowing(robot, "#limit-rpm", TextField.class).getText(), "the form shows the stored limits");
		assertEquals("5", showing(robot, "#limit-daily-usd", TextField.class).orElseThrow().getText());
		@SuppressWarnings("unchecked")
		javafx.scene.chart.BarChart<String, Number> chart = awaitShowing(robot, "#usage-chart", javafx.scene.chart.BarChart.class);
		waitUntil("the chart has two weeks of days", () -> !chart.getData().isEmpty() && chart.getData().getFirst().getData().size() == UsageChart.DAYS);
		String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().substring(5);
		assertEquals(today, chart.getData().getFirst().getData().getLast().getXValue(), "the last bar is today (UTC)");
		robot.clickOn("#editor-cancel");
	}

	@Test
	@DisplayName("the editor's limits per connection: fields for each ticked connection; --rpm 1 on github from the form limits github, not openai")
	void editConnectionLimits(FxRobot robot) {
		assertEquals(0, broker.cli("agent", "limit", "coder", "--connection", "openai", "--concurrent", "3").exit());
		broker.awaitRegistry(s -> Integer.valueOf(3).equals(s.limits(agent("coder").orElseThrow().id()).connection("openai").concurrent()));
		select(robot, "coder");
		robot.type(KeyCode.ENTER);
		assertEquals("3", awaitShowing(robot, "#limit-concurrent-openai", TextField.class).getText(), "the form shows what the CLI set");
		assertTrue(showing(robot, "#limit-rpm-github", TextField.class).filter(Node::isVisible).isEmpty(), "no fields for a connection not ticked");

		robot.clickOn(awaitShowing(robot, "#grant-github", CheckBox.class));
		TextField githubRpm = awaitShowing(robot, "#limit-rpm-github", TextField.class);
		waitUntil("github's fields show once it is ticked", githubRpm::isVisible);
		robot.interact(() -> githubRpm.setText("1"));
		robot.clickOn("#editor-save");
		waitUntil("the editor closes", () -> showing(robot, "#limit-rpm", TextField.class).isEmpty());
		long id = agent("coder").orElseThrow().id();
		waitUntil("the broker holds the new limits", () -> Integer.valueOf(1).equals(broker.broker.registry().current().limits(id)
				.connection("github").requestsPerMinute()));
		assertEquals(Integer.valueOf(3), broker.broker.registry().current().limits(id).connection("openai").concurrent(), "kept as the form showed it");

		assertEquals(200, get("/github/user", coderKey).statusCode());
		HttpResponse<String> limited = get("/github/user", coderKey);
		assertEquals(429, limited.statusCode());
		assertEquals("rate_limited", errorType(limited));
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode(), "the other connection has no rate limit");
		assertEquals(200, get("/openai/v1/models", coderKey).statusCode());
	}
}
