package dev.amk.ui.agents;

import dev.amk.access.AccessSnapshot;
import dev.amk.agents.Agent;
import dev.amk.agents.GrantRule;
import dev.amk.common.Json;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent editor's tool picker for an MCP server, driven through the real window against the real broker and a loopback
 * MCP server (static key): the list comes live from the server, through the broker's credential; what is ticked becomes
 * the grant, checked where it matters, through the proxy; failures are shown in words.
 */
@ExtendWith(ApplicationExtension.class)
class McpToolPickerTest {
	private static final String KEY = "static-key-0123456789";

	@TempDir
	Path home;

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
		coderKey = broker.createAgent("coder", "docs:tools=read_*");
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

	// --- helpers ---

	private void editCoder(FxRobot robot) {
		ListView<AgentRow> list = app.window().agentsView().list();
		robot.interact(() -> {
			list.getSelectionModel().select(app.agents().rows().stream().filter(r -> r.name().equals("coder")).findFirst().orElseThrow());
			list.requestFocus();
		});
		robot.type(KeyCode.ENTER);
		waitUntil("the editor is open", () -> showing(robot, "#grant-docs"));
	}

	private static void choose(FxRobot robot, String choiceBox, String item) {
		robot.clickOn(find(robot, choiceBox, ChoiceBox.class));
		waitUntil(choiceBox + " is open", () -> robot.lookup(choiceBox).match(dev.amk.testing.FxScreen::onScreen).queryAs(ChoiceBox.class).isShowing());
		robot.clickOn(robot.lookup(item).match((Node n) -> n.getScene() != null && n.getScene().getWindow() instanceof javafx.stage.PopupWindow
				&& n.isVisible()).queryAs(Node.class));
	}

	private void awaitListed(FxRobot robot) {
		waitUntil("the server's tools are listed", () -> text(robot, "#tools-status-docs").startsWith("The server lists 4 tools"));
	}

	private GrantRule docsRule(String agent) {
		return broker.broker.registry().current().agents().stream().map(AccessSnapshot.AgentEntry::agent).filter(a -> a.name().equals(agent))
				.findFirst().map(Agent::grants).orElseThrow().stream().filter(g -> g.connection().equals("docs")).findFirst().orElseThrow().rule();
	}

	/** tools/list through the broker with {@code key}: the names the agent sees. */
	@SuppressWarnings("unchecked")
	private List<String> toolsSeen(String key) {
		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}")).build());
		assertEquals(200, r.statusCode(), r.body());
		List<Map<String, Object>> tools = (List<Map<String, Object>>) ((Map<String, Object>) Json.readObject(r.body()).get("result")).get("tools");
		return tools.stream().map(t -> (String) t.get("name")).toList();
	}

	// --- tests ---

	@Test
	@DisplayName("Edit grants: the live list is fetched with the broker's key, the grant's pattern kept as a box; ticking search and unticking read_* saves tools=search")
	void ticksFromTheLiveList(FxRobot robot) {
		assertEquals(List.of("read_page"), toolsSeen(coderKey), "before: read_* (Read_page is another tool)");
		editCoder(robot);
		assertEquals(AgentEditor.ToolsMode.CHOSEN, find(robot, "#tools-mode-docs", ChoiceBox.class).getValue());
		awaitListed(robot);
		assertTrue(server.received().stream().filter(r -> "tools/list".equals(r.method())).allMatch(r -> ("Bearer " + KEY).equals(r.authorization())),
				"the list was fetched with the connection's real key");
		for (String tool : FakeMcpServer.TOOLS) {
			CheckBox box = robot.lookup((Node n) -> n instanceof CheckBox c && tool.equals(c.getUserData())).queryAs(CheckBox.class);
			assertFalse(box.isSelected(), tool + " is not named by the grant, only matched by its pattern");
		}
		CheckBox pattern = find(robot, "#tool-docs-read__star_", CheckBox.class);
		assertTrue(pattern.isSelected(), "the grant's pattern stays, ticked");

		robot.clickOn(find(robot, "#tool-docs-search", CheckBox.class));
		robot.clickOn(pattern);
		robot.clickOn("#editor-save");
		waitUntil("the editor closes", () -> !showing(robot, "#grant-docs"));
		assertEquals("search", docsRule("coder").toolsColumn());
		assertEquals(List.of("search"), toolsSeen(coderKey));
	}

	@Test
	@DisplayName("New agent: choosing 'Only the tools ticked' lists the tools; none ticked grants no tool; 'All tools' later grants every tool")
	void noneThenAll(FxRobot robot) {
		robot.clickOn("#new-agent");
		waitUntil("the editor is open", () -> showing(robot, "#agent-name"));
		robot.clickOn(find(robot, "#agent-name", TextField.class)).write("reader");
		robot.clickOn(find(robot, "#grant-docs", CheckBox.class));
		assertFalse(showing(robot, "#tools-status-docs"), "All tools: nothing to tick");
		choose(robot, "#tools-mode-docs", "Only the tools ticked");
		awaitListed(robot);
		robot.clickOn("#editor-save");
		waitUntil("the key is shown", () -> showing(robot, "#agent-key"));
		String key = find(robot, "#agent-key", TextField.class).getText();
		robot.clickOn("#key-done");
		assertEquals("", docsRule("reader").toolsColumn(), "no tool ticked: no tool granted");
		assertEquals(List.of(), toolsSeen(key));
		HttpResponse<String> call = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}")).build());
		assertTrue(call.body().contains("tool_denied"), call.body());
		assertFalse(server.calledTools().contains("search"), "a denied call never reaches the server");

		robot.interact(() -> app.window().agentsView().list().getSelectionModel()
				.select(app.agents().rows().stream().filter(r -> r.name().equals("reader")).findFirst().orElseThrow()));
		robot.clickOn("#edit-grants");
		waitUntil("the editor is open", () -> showing(robot, "#tools-mode-docs"));
		awaitListed(robot); // opened on a tool grant: the list is fetched at once
		assertTrue(robot.lookup((Node n) -> n instanceof CheckBox c && c.getUserData() != null).queryAllAs(CheckBox.class).stream()
				.filter(dev.amk.testing.FxScreen::onScreen).noneMatch(CheckBox::isSelected), "none ticked, as saved");
		choose(robot, "#tools-mode-docs", "All tools");
		robot.clickOn("#editor-save");
		waitUntil("the editor closes", () -> !showing(robot, "#tools-mode-docs"));
		assertFalse(docsRule("reader").limitsTools());
		assertEquals(FakeMcpServer.TOOLS, toolsSeen(key));
	}

	@Test
	@DisplayName("the picker says in words when the server refuses the broker's key, and when it cannot be reached; Reload tries again")
	void errorsInWords(FxRobot robot) {
		server.staticKey("a-key-the-broker-does-not-have");
		editCoder(robot);
		waitUntil("the refusal is shown", () -> text(robot, "#tools-status-docs").contains("refused the broker's key"));
		String refused = find(robot, "#tools-status-docs", Label.class).getText();
		assertTrue(refused.contains("amk connection set-secret docs"), refused);
		assertFalse(refused.contains(KEY));
		assertTrue(find(robot, "#tool-docs-read__star_", CheckBox.class).isSelected(), "the granted pattern is still there to keep or untick");

		server.close();
		robot.clickOn("#tools-load-docs");
		waitUntil("unreachable is shown", () -> text(robot, "#tools-status-docs").startsWith("Could not reach the MCP server 'docs'"));
		robot.clickOn("#editor-cancel");
		waitUntil("the editor closes", () -> !showing(robot, "#tools-mode-docs"));
		assertEquals("read_*", docsRule("coder").toolsColumn(), "cancel changes nothing");
	}
}
