package dev.amk.ui.fxapp;

import dev.amk.audit.AuditEvent;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentRow;
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
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.amk.testing.FxScreen.waitUntil;

/**
 * The desktop app on the real in-process broker (in-memory keychain, real proxy, a loopback upstream), driven
 * through its window with TestFX, headless under Monocle.
 */
@ExtendWith(ApplicationExtension.class)
class DesktopAppTest {
	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	DesktopApp app;
	String coderKey;
	String readerKey;
	final java.util.List<String> notifications = new java.util.concurrent.CopyOnWriteArrayList<>();

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-desktop-test-secret");
		broker.addConnection("github", "github", upstream.url("/").toString(), "ghp_desktop_test_secret");
		coderKey = broker.createAgent("coder", "openai");
		readerKey = broker.createAgent("reader", "github:read");
		broker.createAgent("idle", "openai");
		broker.cli("agent", "revoke", "idle");
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("idle") && a.agent().revokedAt() != null));
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (title, message) -> notifications.add(message));
		app.start(stage, () -> { });
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(app == null ? null : app::stop, broker, upstream);
	}

	private AgentRow row(String name) {
		return app.agents().rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
	}

	/** The switch as shown on screen (ListView also lays out an off-screen cell to measure rows). */
	private static ToggleButton toggle(FxRobot robot, String agent) {
		// Earlier tests' scenes linger without a window; only the showing window's switch is clickable.
		return robot.lookup("#toggle-" + agent).match((javafx.scene.Node n) -> n.getScene() != null && n.getScene().getWindow() != null
				&& n.getScene().getWindow().isShowing() && n.isVisible() && n.getParent() != null && n.getParent().isVisible())
				.queryAs(ToggleButton.class);
	}

	@Test
	@DisplayName("an OAuth connection that loses its sign-in raises one notice saying how to fix it")
	void reconnectNotice() {
		var details = new dev.amk.connections.OAuthDetails(null, okhttp3.HttpUrl.get("https://github.com/login/oauth/access_token"), null, null,
				"id", null, dev.amk.providers.ClientAuth.POST, List.of("repo"), null, "octocat", null,
				dev.amk.connections.OAuthDetails.Status.CONNECTED, null);
		var connection = broker.broker.connections().addOAuth(new dev.amk.connections.ConnectionService.NewOAuthConnection("gh-oauth",
				dev.amk.providers.Providers.GITHUB, upstream.url("/").toString(), details),
				new dev.amk.oauth.TokenSet("gho-test", null, null, null).toJson(), null);
		broker.awaitRegistry(s -> s.connection("gh-oauth") != null);
		assertTrue(notifications.stream().noneMatch(m -> m.contains("gh-oauth")));
		broker.broker.connections().markNeedsReconnect(connection, "refused by the test");
		waitUntil("the notice", () -> notifications.stream().anyMatch(m -> m.equals("The connection 'gh-oauth' lost its sign-in (octocat)."
				+ " Agents using it get an error until you open Connections and click Reconnect.")));
	}

	@Test
	@DisplayName("the window lists every agent with what it may reach and its state")
	void listsAgents(FxRobot robot) {
		assertEquals(List.of("coder", "idle", "reader"), app.agents().rows().stream().map(AgentRow::name).toList());
		assertEquals("github (read)", row("reader").reachProperty().get());
		assertTrue(toggle(robot, "coder").isSelected());
		assertTrue(!toggle(robot, "idle").isSelected());
		assertEquals("Proxy on 127.0.0.1:" + broker.port() + " · 2 of 3 agents active",
				robot.lookup("#status-line").queryLabeled().getText());
	}

	@Test
	@DisplayName("selecting an agent shows how to run a tool with it: the amk run line and the proxy environment with this broker's port")
	void runToolWithSelectedAgent(FxRobot robot) {
		assertTrue(!dev.amk.testing.FxScreen.showing(robot, "#run-line"), "nothing shown before a selection");
		robot.clickOn(robot.lookup(".agent-name").match(n -> "reader".equals(((javafx.scene.control.Label) n).getText())).<javafx.scene.Node>query());
		waitUntil("the run line for reader", () -> "amk run reader -- YOUR_COMMAND".equals(
				robot.lookup("#run-line").queryAs(javafx.scene.control.TextField.class).getText()));
		String env = robot.lookup("#run-environment").queryAs(javafx.scene.control.TextArea.class).getText();
		assertTrue(env.contains("export HTTPS_PROXY='http://reader:<agent key>@127.0.0.1:" + broker.port() + "'"), env);
		assertTrue(env.contains("NODE_EXTRA_CA_CERTS='" + home.resolve("ca").resolve("amk-ca.pem") + "'"), env);
	}

	@Test
	@DisplayName("flipping an agent's switch makes the proxy refuse its key at once; flipping it back restores it")
	void toggleRevokes(FxRobot robot) {
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey).statusCode());

		robot.clickOn(toggle(robot, "coder"));
		waitUntil("coder shows as revoked", () -> !row("coder").isActive());

		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey)));
		WaitForAsyncUtils.waitForFxEvents();
		assertEquals("Revoked", toggle(robot, "coder").getText());

		robot.clickOn(toggle(robot, "coder"));
		waitUntil("coder shows as active", () -> row("coder").isActive());
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey).statusCode());
	}

	@Test
	@DisplayName("an agent created through the CLI appears in the list within a second")
	void cliCreatedAgentAppears() throws Exception {
		assertEquals(0, broker.cli("agent", "create", "newcomer", "--grant", "openai").exit());
		long created = System.nanoTime();
		WaitForAsyncUtils.waitFor(1, TimeUnit.SECONDS, () -> app.agents().rows().stream().anyMatch(r -> r.name().equals("newcomer")));
		assertTrue(System.nanoTime() - created < TimeUnit.SECONDS.toNanos(1));
	}

	@Test
	@DisplayName("a request by the agent shows in Activity and updates its last-seen and counts; a denial is marked")
	void activityFollowsRequests(FxRobot robot) {
		broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey);
		broker.send(java.net.http.HttpRequest.newBuilder(broker.url("/openai/v1/files/1"))
				.header("Authorization", "Bearer " + coderKey).DELETE().build()); // allowed: a full grant

		waitUntil("coder's requests are counted", () -> row("coder").requestsTodayProperty().get() == 2);
		assertTrue(row("coder").lastSeenProperty().get() != null);

		robot.clickOn("#tab-activity");
		waitUntil("activity lists both requests", () -> app.window().activityView().table().getItems().size() >= 2);
		AuditEvent newest = app.window().activityView().table().getItems().getFirst();
		assertEquals("coder", newest.agent());
		assertEquals("DELETE", newest.method());
	}

	@Test
	@DisplayName("Pause all revokes every active agent; Resume restores exactly those that were active")
	void pauseAndResume() {
		robot().interact(() -> app.agents().pauseAll());
		waitUntil("all paused", () -> app.agents().rows().stream().noneMatch(AgentRow::isActive));
		assertEquals("revoked_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey)));

		robot().interact(() -> app.agents().resumeAll());
		waitUntil("resumed", () -> row("coder").isActive() && row("reader").isActive());

		Set<String> active = app.agents().rows().stream().filter(AgentRow::isActive).map(AgentRow::name).collect(Collectors.toSet());
		assertEquals(Set.of("coder", "reader"), active, "'idle' was revoked before the pause and stays revoked");
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + coderKey).statusCode());
	}

	@Test
	@DisplayName("a denied request raises one notification that says who, what and why")
	void deniedRequestNotifies() {
		broker.send(java.net.http.HttpRequest.newBuilder(broker.url("/github/repos/acme/api"))
				.header("Authorization", "Bearer " + readerKey).DELETE().build());

		waitUntil("a notification was raised", () -> !notifications.isEmpty());
		assertEquals(List.of("reader was denied DELETE /repos/acme/api on github — read-only grant"), notifications);
	}

	@Test
	@DisplayName("settings: a new port is saved for the next start; notifications can be switched off")
	void settings(FxRobot robot) {
		robot.clickOn("#tab-settings");
		robot.doubleClickOn("#settings-port").eraseText(6).write("9410");
		robot.clickOn("#settings-save-port");
		waitUntil("the port is saved", () -> dev.amk.settings.Settings.load(home).port() == 9410);

		robot.clickOn("#settings-notify-denied");
		waitUntil("notifications are off", () -> !dev.amk.settings.Settings.load(home).notifyOnDenied());
		broker.send(java.net.http.HttpRequest.newBuilder(broker.url("/github/repos/acme/api"))
				.header("Authorization", "Bearer " + readerKey).DELETE().build());
		waitUntil("the denial is counted", () -> row("reader").deniedTodayProperty().get() == 1);
		assertTrue(notifications.isEmpty(), notifications.toString());
	}

	private static FxRobot robot() {
		return new FxRobot();
	}
}
