package dev.amk.ui.connections;

import dev.amk.activity.ActivityTracker;
import dev.amk.connections.Connection;
import dev.amk.mcp.McpAuthorization;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.Injection;
import dev.amk.providers.Providers;
import dev.amk.proxy.ConnectionTester;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.FxScreen;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.typeInto;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adding a remote MCP server in the Connections tab's Add dialog: with a static header against the Java MCP server of the
 * tests, or with MCP authorization (the real {@link McpAuthorization} of 'amk mcp add': discovery from the server's 401,
 * dynamic registration, PKCE, resource) against its own authorization server. The test's browser does what a person's
 * would: it follows the approval page's redirect to the broker's loopback listener, or, when not approving, does nothing.
 */
@ExtendWith(ApplicationExtension.class)
class AddMcpServerTest {
	private static final String KEY = "mcp-static-key-0123456789";

	@TempDir
	Path home;

	FakeMcpServer server;
	TestBrowser browser;
	BrokerFixture broker;
	ConnectionTester tester;
	ExecutorService background;
	ConnectionsModel model;
	MainWindow window;

	/** Loads each page it is asked to open, following redirects, while {@link #approving}; records them either way. */
	static final class TestBrowser implements Browser {
		final List<String> opened = new CopyOnWriteArrayList<>();
		final OkHttpClient http = new OkHttpClient.Builder().followRedirects(true).callTimeout(Duration.ofSeconds(10)).build();
		volatile boolean approving = true;

		@Override
		public boolean open(String url) {
			opened.add(url);
			if (approving) {
				Thread.ofVirtual().start(() -> {
					try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
						r.body().string();
					} catch (IOException | RuntimeException e) {
						// the sign-in then times out or fails, and the test says so
					}
				});
			}
			return true;
		}
	}

	@Start
	void start(Stage stage) {
		server = FakeMcpServer.start();
		browser = new TestBrowser();
		broker = BrokerFixture.start(home);
		tester = new ConnectionTester(broker.broker.credentials());
		background = Executors.newVirtualThreadPerTaskExecutor();
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		AgentsModel agents = new AgentsModel(broker.broker.registry(), activity, broker.broker.agents(), Clock.systemUTC(), background).start();
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		OAuthConnector oauth = new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(),
				browser, Clock.systemUTC(), OAuthConnector.DEFAULT_TIMEOUT);
		McpAuthorization mcp = new McpAuthorization(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(), browser,
				Duration.ofSeconds(30));
		model = new ConnectionsModel(broker.broker.registry(), broker.broker.connections(), tester, oauth, mcp, home.resolve("no-aws"), browser,
				Clock.systemUTC(), background).start();
		window.addConnectionsTab(model);
		window.show();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(background == null ? null : background::shutdown, tester, broker, server);
	}

	private void openMcpDialog(FxRobot robot) {
		robot.clickOn("#tab-connections");
		robot.clickOn("#add-connection");
		waitUntil("the add dialog is open", () -> FxScreen.showing(robot, "#provider"));
		robot.clickOn("#provider");
		robot.clickOn(robot.lookup(".list-cell").match((ListCell<?> c) -> "MCP server".equals(c.getText()) && onScreen(c)).queryAs(ListCell.class));
		waitUntil("the MCP fields are shown", () -> FxScreen.showing(robot, "#mcp-url"));
	}

	private HttpResponse<String> listTools(String path, String agentKey) {
		return broker.send(HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + agentKey)
				.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build());
	}

	@Test
	@DisplayName("a server that takes an API key: Test tells a refused key from a working one; Save keeps the key, and agents reach the server with it")
	void staticHeader(FxRobot robot) {
		server.staticKey(KEY);
		openMcpDialog(robot);
		typeInto(robot, "#connection-name", "docs");
		typeInto(robot, "#mcp-url", server.url());
		robot.clickOn("#mcp-static-header");
		waitUntil("the header fields are shown", () -> FxScreen.showing(robot, "#mcp-key"));
		assertEquals("Save", find(robot, "#save-connection", javafx.scene.control.Button.class).getText());
		assertEquals("Authorization", find(robot, "#mcp-header-name", TextField.class).getText());

		robot.clickOn("#mcp-key").write("not-the-key");
		robot.clickOn("#test-connection");
		Label result = find(robot, "#test-result", Label.class);
		waitUntil("the refusal is shown", () -> result.getText().startsWith("The key was refused"));
		assertTrue(result.getText().contains("the MCP server at "), result.getText());

		PasswordField key = find(robot, "#mcp-key", PasswordField.class);
		robot.interact(key::clear);
		robot.clickOn(key).write(KEY);
		robot.clickOn("#test-connection");
		waitUntil("the test has answered", () -> result.getText().contains("answered 200"));
		assertNull(broker.broker.registry().current().connection("docs"), "testing saves nothing");

		robot.clickOn("#save-connection");
		waitUntil("the connection is listed", () -> broker.broker.registry().current().connection("docs") != null);
		waitUntil("the dialog has closed", () -> !key.getScene().getWindow().isShowing());
		assertEquals("", key.getText());
		Connection saved = broker.broker.registry().current().connection("docs");
		assertEquals(Providers.MCP, saved.provider());
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), saved.injection());
		assertEquals(KEY, broker.secrets.get(saved.secretRef()));

		String agentKey = broker.createAgent("bot", "docs");
		HttpResponse<String> listed = listTools("/docs", agentKey);
		assertEquals(200, listed.statusCode(), listed.body());
		assertEquals("Bearer " + KEY, server.received().getLast().authorization(), "the server sees only the connection's key");
	}

	@Test
	@DisplayName("a server that asks to sign in: Save runs MCP authorization in the browser and stores the tokens; agents reach it")
	void signIn(FxRobot robot) {
		openMcpDialog(robot);
		typeInto(robot, "#connection-name", "remote");
		typeInto(robot, "#mcp-url", server.url());
		assertEquals("Sign in…", find(robot, "#save-connection", javafx.scene.control.Button.class).getText());
		assertFalse(FxScreen.showing(robot, "#test-connection"), "a sign-in is its own test");
		robot.clickOn("#save-connection");

		waitUntil("the connection is stored", () -> broker.broker.registry().current().connection("remote") != null);
		Label message = window.connectionsView().message();
		waitUntil("the view says what happened", () -> message.getText().startsWith("Connected 'remote'. Its tokens are in your OS keychain."));
		Connection saved = broker.broker.registry().current().connection("remote");
		assertTrue(saved.isOAuth());
		assertEquals(Providers.MCP, saved.provider());
		assertEquals("none", server.registrations().getFirst().get("token_endpoint_auth_method"), "the broker registered itself");
		assertEquals(server.url(), server.authorizeRequests().getFirst().get("resource"));
		assertEquals("S256", server.authorizeRequests().getFirst().get("code_challenge_method"));
		assertTrue(browser.opened.getFirst().startsWith(server.url().replace("/mcp", "/authorize")), browser.opened.toString());

		String agentKey = broker.createAgent("bot", "remote");
		HttpResponse<String> listed = listTools("/remote", agentKey);
		assertEquals(200, listed.statusCode(), listed.body());
		assertEquals("Bearer " + server.issuedAccessTokens().getFirst(), server.received().getLast().authorization());

		// Its row's Reconnect says how to sign in again (the Connect dialog has no profile for an MCP server).
		ConnectionRow row = model.rows().stream().filter(r -> r.name().equals("remote")).findFirst().orElseThrow();
		robot.interact(() -> window.connectionsView().table().getSelectionModel().select(row));
		robot.clickOn("#reconnect-connection");
		waitUntil("the view says how", () -> message.getText().equals("Sign in to the MCP server 'remote' again in a terminal:"
				+ " amk mcp add remote --reconnect"));
	}

	@Test
	@DisplayName("Cancel during the sign-in stops it: nothing is stored, the form comes back and says so")
	void cancelSignIn(FxRobot robot) {
		browser.approving = false;
		openMcpDialog(robot);
		typeInto(robot, "#connection-name", "remote");
		typeInto(robot, "#mcp-url", server.url());
		robot.clickOn("#save-connection");
		waitUntil("the approval link is shown", () -> FxScreen.showing(robot, "#mcp-link")
				&& find(robot, "#mcp-link", TextField.class).getText().startsWith(server.url().replace("/mcp", "/authorize")));
		assertTrue(find(robot, "#save-connection", javafx.scene.control.Button.class).isDisabled(), "one sign-in at a time");

		robot.clickOn("#cancel-add-connection");
		Label result = robot.lookup("#test-result").queryAs(Label.class);
		waitUntil("the cancel is confirmed", () -> result.getText().equals("Cancelled. Nothing was stored."));
		assertTrue(FxScreen.showing(robot, "#mcp-url"), "the dialog stays, with the form");
		assertFalse(FxScreen.showing(robot, "#mcp-progress"));
		assertNull(broker.broker.registry().current().connection("remote"));
		assertTrue(server.tokenRequests().isEmpty(), "no code was exchanged");
	}

	@Test
	@DisplayName("a server address the service refuses is said in the form, before any browser opens")
	void refusedAddress(FxRobot robot) {
		openMcpDialog(robot);
		typeInto(robot, "#connection-name", "remote");
		robot.clickOn("#save-connection");
		Label error = robot.lookup("#add-error").queryAs(Label.class);
		waitUntil("the refusal is shown", () -> !error.getText().isEmpty());
		assertEquals("Give the MCP server's address: its endpoint, often ending in /mcp, for example https://mcp.example.com/mcp.", error.getText());
		assertTrue(browser.opened.isEmpty());
	}
}
