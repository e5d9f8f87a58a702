package dev.amk.ui.agents;

import dev.amk.agents.AgentKey;
import dev.amk.common.Json;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.FxScreen;
import dev.amk.testing.Teardown;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.Window;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Set up an MCP client…" on an agent, through the real window and the real broker, on sample client files in a temporary
 * folder: the diff shown before anything is written, a backup and the rest of the file kept on apply, the written key
 * working through the proxy, and a file it cannot safely rewrite left alone (and the agent's key with it).
 */
@ExtendWith(ApplicationExtension.class)
class McpSetupDialogTest {
	private static final String KEY = "static-key-0123456789";

	@TempDir
	Path home;
	@TempDir
	Path configs;

	BrokerFixture broker;
	FakeMcpServer server;
	DesktopApp app;
	String coderKey;

	@Start
	void start(Stage stage) {
		broker = BrokerFixture.start(home);
		server = FakeMcpServer.start().staticKey(KEY);
		assertEquals(0, broker.cliWithStdin(KEY + "\n", "mcp", "add", "docs", "--url", server.url(), "--header", "Authorization").exit());
		broker.awaitRegistry(s -> s.connection("docs") != null);
		coderKey = broker.createAgent("coder", "docs");
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> { });
		app.start(stage, () -> { });
		app.agents().actions().setProxyPort(broker.port());
	}

	@AfterEach
	void stop() throws Exception {
		if (app != null) {
			new FxRobot().interact(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w != app.window().stage()).forEach(Window::hide));
		}
		Teardown.closeAll(app == null ? null : app::stop, broker, server);
	}

	private void openFor(FxRobot robot, String agent) {
		ListView<AgentRow> list = app.window().agentsView().list();
		robot.interact(() -> list.getSelectionModel().select(app.agents().rows().stream().filter(r -> r.name().equals(agent)).findFirst().orElseThrow()));
		robot.clickOn("#mcp-setup");
		waitUntil("the dialog is open", () -> showing(robot, "#mcp-preview"));
	}

	private static void choose(FxRobot robot, String choiceBox, String item) {
		robot.clickOn(find(robot, choiceBox, ChoiceBox.class));
		waitUntil(choiceBox + " is open", () -> robot.lookup(choiceBox).match(FxScreen::onScreen).queryAs(ChoiceBox.class).isShowing());
		robot.clickOn(robot.lookup(item).match((Node n) -> n.getScene() != null && n.getScene().getWindow() instanceof javafx.stage.PopupWindow
				&& n.isVisible()).queryAs(Node.class));
	}

	private static void setFile(FxRobot robot, Path file) {
		TextField field = find(robot, "#mcp-file", TextField.class);
		robot.interact(() -> field.setText(file.toString()));
	}

	private int toolsListStatus(String key) {
		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build());
		return r.statusCode();
	}

	private static long backups(Path file) throws Exception {
		try (Stream<Path> s = Files.list(file.getParent())) {
			return s.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".amk-backup-")).count();
		}
	}

	@Test
	@DisplayName("Claude Code with a new key: the diff first (nothing written), then on Apply a backup, the entry, the rest kept; the new key works, the old one no longer")
	@SuppressWarnings("unchecked")
	void claudeCodeWithNewKey(FxRobot robot) throws Exception {
		Path file = configs.resolve(".claude.json");
		String original = "{\n  \"numStartups\": 7,\n  \"mcpServers\": {\"other\": {\"command\": \"other-server\"}}\n}\n";
		Files.writeString(file, original);
		openFor(robot, "coder");
		assertTrue(find(robot, "#mcp-file", TextField.class).getText().endsWith(".claude.json"), "Claude Code's user-level file by default");
		choose(robot, "#mcp-client", "Codex");
		assertTrue(find(robot, "#mcp-file", TextField.class).getText().endsWith("config.toml"), "the file follows the client");
		choose(robot, "#mcp-client", "Claude Code");
		setFile(robot, file);
		assertTrue(find(robot, "#mcp-apply", Button.class).isDisabled(), "nothing to apply before the change is shown");

		robot.clickOn("#mcp-preview");
		waitUntil("the diff is shown", () -> !find(robot, "#mcp-diff", TextArea.class).getText().isEmpty());
		String diff = find(robot, "#mcp-diff", TextArea.class).getText();
		assertTrue(diff.lines().anyMatch(l -> l.startsWith("+") && l.contains("\"docs\"")), diff);
		assertTrue(diff.contains("http://127.0.0.1:" + broker.port() + "/docs"), diff);
		assertTrue(text(robot, "#mcp-status").contains("a new key"), text(robot, "#mcp-status"));
		assertEquals(original, Files.readString(file), "showing the change writes nothing");
		assertEquals(200, toolsListStatus(coderKey), "nor rotates the key");

		robot.clickOn("#mcp-apply");
		waitUntil("the write is reported", () -> text(robot, "#mcp-status").startsWith("Wrote "));
		assertTrue(text(robot, "#mcp-status").contains("(backup: .claude.json.amk-backup-"), text(robot, "#mcp-status"));
		assertTrue(text(robot, "#mcp-status").contains("Restart Claude Code"), text(robot, "#mcp-status"));
		assertEquals(1, backups(file));
		Map<String, Object> written = Json.readObject(Files.readString(file));
		assertEquals(7, ((Number) written.get("numStartups")).intValue(), "the rest of the file is kept");
		Map<String, Object> servers = (Map<String, Object>) written.get("mcpServers");
		assertEquals(Map.of("command", "other-server"), servers.get("other"));
		Map<String, Object> docs = (Map<String, Object>) servers.get("docs");
		assertEquals("http://127.0.0.1:" + broker.port() + "/docs", docs.get("url"));
		String newKey = ((String) ((Map<String, Object>) docs.get("headers")).get("Authorization")).substring("Bearer ".length());
		assertEquals(AgentKey.Shape.VALID, AgentKey.shape(newKey));
		assertFalse(find(robot, "#mcp-diff", TextArea.class).getText().contains(newKey), "the window never shows the whole key");
		assertEquals(200, toolsListStatus(newKey), "the key in the file works through the broker");
		assertEquals(401, toolsListStatus(coderKey), "the old key stopped working");
		assertTrue(find(robot, "#mcp-apply", Button.class).isDisabled(), "applied: nothing left to apply");
		robot.clickOn("#mcp-close");
	}

	@Test
	@DisplayName("a file with comments is left alone, said in words, and the agent keeps its key; with the pasted current key Cursor's file is written")
	void refusesThenCurrentKey(FxRobot robot) throws Exception {
		Path commented = configs.resolve("commented.json");
		String original = "{\n  // mine\n  \"mcpServers\": {}\n}\n";
		Files.writeString(commented, original);
		openFor(robot, "coder");
		setFile(robot, commented);
		robot.clickOn("#mcp-preview");
		waitUntil("the refusal is shown", () -> text(robot, "#mcp-status").contains("has comments or trailing commas"));
		assertTrue(find(robot, "#mcp-apply", Button.class).isDisabled());
		assertEquals(original, Files.readString(commented));
		assertEquals(200, toolsListStatus(coderKey));

		choose(robot, "#mcp-client", "Cursor");
		Path cursor = configs.resolve("cursor/mcp.json");
		setFile(robot, cursor);
		robot.clickOn("#mcp-key-current");
		robot.interact(() -> find(robot, "#mcp-key", TextField.class).setText("amk_not_the_key"));
		robot.clickOn("#mcp-preview");
		waitUntil("the wrong key is refused", () -> text(robot, "#mcp-status").contains("is not the current key of 'coder'"));

		robot.interact(() -> find(robot, "#mcp-key", TextField.class).setText(coderKey));
		robot.clickOn("#mcp-preview");
		waitUntil("the change is ready", () -> !find(robot, "#mcp-apply", Button.class).isDisabled());
		assertTrue(text(robot, "#mcp-status").startsWith("This new file "), text(robot, "#mcp-status"));
		robot.interact(() -> find(robot, "#mcp-file", TextField.class).appendText(" "));
		WaitForAsyncUtils.waitForFxEvents();
		assertTrue(find(robot, "#mcp-apply", Button.class).isDisabled(), "a changed field needs the change shown again");
		setFile(robot, cursor);
		robot.clickOn("#mcp-preview");
		waitUntil("the change is ready", () -> !find(robot, "#mcp-apply", Button.class).isDisabled());
		robot.clickOn("#mcp-apply");
		waitUntil("the write is reported", () -> text(robot, "#mcp-status").startsWith("Wrote "));
		assertEquals(0, backups(cursor), "a new file has nothing to back up");
		assertTrue(Files.readString(cursor).contains("\"Authorization\" : \"Bearer " + coderKey + "\""), Files.readString(cursor));
		assertEquals(200, toolsListStatus(coderKey), "the current key was written, not replaced");
		robot.clickOn("#mcp-close");
	}
}
