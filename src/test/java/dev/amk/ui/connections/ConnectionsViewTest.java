package dev.amk.ui.connections;

import dev.amk.activity.ActivityTracker;
import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.proxy.ConnectionTester;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableRow;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
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

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.amk.testing.FxScreen;
import javafx.scene.control.ComboBox;
import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.typeInto;
import static dev.amk.testing.FxScreen.waitUntil;

/**
 * The Connections tab on the real in-process broker (in-memory keychain, real proxy, a loopback upstream standing in
 * for the providers), driven through the main window and the add dialog with TestFX, headless under Monocle.
 */
@ExtendWith(ApplicationExtension.class)
class ConnectionsViewTest {
	private static final String RIGHT_KEY = "sk-right-key-0123456789abcdef";
	private static final String WRONG_KEY = "sk-wrong-key-0123456789abcdef";
	/** The upstream holds its answer to this key until the test lets it go. */
	private static final String SLOW_KEY = "sk-slow-key-0123456789abcdef";
	private static final String GITHUB_SECRET = "ghp_existing_secret_0123456789";

	@TempDir
	Path home;

	MockWebServer upstream;
	final List<RecordedRequest> seen = new CopyOnWriteArrayList<>();
	final CountDownLatch releaseSlowProbe = new CountDownLatch(1);
	BrokerFixture broker;
	SecretStore keychain;
	ConnectionTester tester;
	ExecutorService background;
	ConnectionsModel model;
	MainWindow window;
	String coderKey;

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				seen.add(request);
				String path = request.getUrl().encodedPath();
				if (!path.equals("/v1/models") && !path.equals("/user")) {
					return new MockResponse.Builder().body("{}").build(); // a forwarded agent request
				}
				String auth = request.getHeaders().get("Authorization");
				if (("Bearer " + SLOW_KEY).equals(auth)) {
					releaseSlowProbe.await(10, TimeUnit.SECONDS);
				}
				boolean known = List.of("Bearer " + RIGHT_KEY, "Bearer " + SLOW_KEY, "Bearer " + GITHUB_SECRET).contains(auth);
				return known ? new MockResponse.Builder().body("{\"data\":[]}").build()
						: new MockResponse.Builder().code(401).body("{\"error\":\"invalid key\"}").build();
			}
		});
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("github", "github", upstream.url("/").toString(), GITHUB_SECRET);
		broker.addConnection("spare", "gemini", upstream.url("/").toString(), "AIza-spare-secret-0000000000");
		coderKey = broker.createAgent("coder", "github");
		broker.createAgent("reader", "github:read");
		broker.createAgent("other", "spare");

		keychain = broker.secrets;
		tester = new ConnectionTester(keychain);
		background = Executors.newVirtualThreadPerTaskExecutor();
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		AgentsModel agents = new AgentsModel(broker.broker.registry(), activity, broker.broker.agents(), Clock.systemUTC(), background).start();
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		OAuthConnector oauth = new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(),
				Browser.NONE, Clock.systemUTC(), OAuthConnector.DEFAULT_TIMEOUT);
		model = new ConnectionsModel(broker.broker.registry(), broker.broker.connections(), tester, oauth, Browser.NONE, Clock.systemUTC(),
				background).start();
		window.addConnectionsTab(model);
		window.show();
	}

	@AfterEach
	void stop() throws Exception {
		releaseSlowProbe.countDown();
		Teardown.closeAll(background == null ? null : background::shutdown, tester, broker, upstream);
	}

	// --- helpers -------------------------------------------------------------------------------------------------

	private long probes() {
		return seen.stream().filter(r -> r.getUrl().encodedPath().equals("/v1/models")).count();
	}

	private ConnectionRow row(String name) {
		return model.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
	}

	private void select(FxRobot robot, String name) {
		ConnectionRow row = row(name);
		assertNotNull(row, name + " is listed");
		robot.clickOn(robot.lookup(".table-row-cell").match((TableRow<?> r) -> r.getItem() == row && onScreen(r)).queryAs(TableRow.class));
		assertEquals(row, window.connectionsView().table().getSelectionModel().getSelectedItem());
	}

	private void openAddDialog(FxRobot robot) {
		robot.clickOn("#tab-connections");
		robot.clickOn("#add-connection");
		waitUntil("the add dialog is open", () -> robot.lookup("#connection-secret").match(FxScreen::onScreen).tryQuery().isPresent());
	}

	private Label testResult(FxRobot robot) {
		return find(robot, "#test-result", Label.class);
	}

	// --- the tab ---------------------------------------------------------------------------------------------------

	@Test
	@DisplayName("Connections sits between Agents and Activity and lists each account with its provider and the agents using it")
	void listsConnections(FxRobot robot) {
		TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
		assertEquals(List.of("tab-agents", "tab-connections", "tab-activity"), tabs.getTabs().stream().map(Tab::getId).toList());

		robot.clickOn("#tab-connections");
		assertEquals(List.of("github", "spare"), model.rows().stream().map(ConnectionRow::name).toList());
		assertEquals("GitHub", row("github").providerProperty().get());
		assertEquals("Google Gemini", row("spare").providerProperty().get());
		assertEquals(List.of("coder", "reader"), row("github").agents());
		assertEquals(List.of("other"), row("spare").agents());
		assertEquals("header Authorization: Bearer {secret}", row("github").authProperty().get());
		assertEquals("Not tested", row("github").status());
		assertTrue(find(robot, "#add-connection", Button.class).isFocusTraversable());
		assertTrue(find(robot, "#remove-connection", Button.class).isDisabled(), "nothing selected, nothing to remove");

		// Beside "Add API key…": one sign-in button per OAuth provider, in the order the connector lists them.
		HBox oauth = robot.lookup("#oauth-connect-buttons").queryAs(HBox.class);
		assertEquals(List.of("GitHub", "Google", "Slack", "Notion", "Linear", "Other OAuth…"), oauth.getChildren().stream()
				.filter(n -> n instanceof Button).map(n -> ((Button) n).getText()).toList());
		assertEquals("Connect GitHub: sign in with OAuth in your browser", find(robot, "#connect-github", Button.class).getAccessibleText());
		assertEquals("API key", find(robot, "#account-github", Label.class).getText(), "an API-key row says so where OAuth rows name the account");
	}

	@Test
	@DisplayName("every provider of the catalogue is offered: those that take a key in the Add dialog's picker, the others as Connect buttons")
	void everyProviderIsOffered(FxRobot robot) {
		openAddDialog(robot);
		@SuppressWarnings("unchecked")
		ComboBox<ProviderSpec> picker = find(robot, "#provider", ComboBox.class);
		// Cloud accounts and MCP servers too (issues 13, 14): each kind with its own fields.
		assertEquals(Providers.withApiKeys(), picker.getItems());
		for (ProviderSpec p : Providers.all()) {
			boolean picked = picker.getItems().contains(p);
			boolean button = robot.lookup("#connect-" + p.id()).tryQuery().isPresent();
			assertTrue(picked || button, p.id() + " can be connected from the app");
			assertEquals(p.oauth().isPresent(), button, p.id() + ": a Connect button exactly for the OAuth providers");
		}
	}

	@Test
	@DisplayName("a connection or grant changed through the CLI shows up without a restart")
	void followsTheRegistry() {
		broker.addConnection("later", "anthropic", upstream.url("/").toString(), "sk-ant-later-000000000000");
		waitUntil("the new connection is listed", () -> row("later") != null);
		assertEquals(List.of(), row("later").agents());

		broker.createAgent("newcomer", "later");
		waitUntil("its agent is listed", () -> row("later").agents().equals(List.of("newcomer")));
	}

	// --- adding ----------------------------------------------------------------------------------------------------

	@Test
	@DisplayName("adding through the dialog lists the connection, files the key in the keychain, and the proxy forwards with it")
	void addThroughTheDialog(FxRobot robot) throws Exception {
		openAddDialog(robot);
		assertEquals("openai", find(robot, "#connection-name", TextField.class).getText(), "the name starts as the provider's id");
		PasswordField secret = find(robot, "#connection-secret", PasswordField.class);
		assertEquals(window.stage().getScene().getStylesheets(), secret.getScene().getStylesheets(), "light or dark, as the main window");
		robot.clickOn(secret).write(RIGHT_KEY);
		typeInto(robot, "#base-url", upstream.url("/").toString());
		robot.clickOn("#save-connection");

		waitUntil("the connection is listed", () -> row("openai") != null);
		waitUntil("the dialog has closed and the view says what happened", () -> !secret.getScene().getWindow().isShowing()
				&& window.connectionsView().message().getText().startsWith("Connected 'openai'. Its key is in your OS keychain."));
		assertEquals("", secret.getText(), "the key does not stay in the field");
		assertEquals("OpenAI", row("openai").providerProperty().get());
		assertEquals(upstream.url("/").toString(), row("openai").baseUrlProperty().get());
		assertEquals(row("openai"), window.connectionsView().table().getSelectionModel().getSelectedItem(), "the new row is selected");
		assertEquals(0, probes(), "saving does not call the provider");

		Connection saved = broker.broker.registry().current().connection("openai");
		assertEquals(RIGHT_KEY, keychain.get(saved.secretRef()));

		String writerKey = broker.createAgent("writer", "openai");
		HttpResponse<String> forwarded = broker.get("/openai/v1/chat/completions", "Authorization", "Bearer " + writerKey);
		assertEquals(200, forwarded.statusCode());
		RecordedRequest upstreamSaw = seen.stream().filter(r -> r.getUrl().encodedPath().equals("/v1/chat/completions")).findFirst()
				.orElseThrow();
		assertEquals("Bearer " + RIGHT_KEY, upstreamSaw.getHeaders().get("Authorization"));
		waitUntil("the agent shows as using it", () -> row("openai").agents().equals(List.of("writer")));
	}

	@Test
	@DisplayName("Test tries the typed key with one request: 'works' for the right key, 'refused' for a wrong one; nothing is saved")
	void testButton(FxRobot robot) {
		openAddDialog(robot);
		typeInto(robot, "#base-url", upstream.url("/").toString());
		PasswordField secret = find(robot, "#connection-secret", PasswordField.class);
		robot.clickOn(secret).write(RIGHT_KEY);
		robot.clickOn("#test-connection");

		waitUntil("the result is shown", () -> testResult(robot).getText().startsWith("The key works"));
		assertEquals(1, probes(), "exactly one probe");
		assertEquals("Bearer " + RIGHT_KEY, seen.getFirst().getHeaders().get("Authorization"));

		robot.interact(secret::clear);
		robot.clickOn(secret).write(WRONG_KEY);
		assertEquals("", testResult(robot).getText(), "a result for the old key is not shown against the new one");
		robot.clickOn("#test-connection");

		waitUntil("the refusal is shown", () -> testResult(robot).getText().startsWith("The key was refused"));
		assertEquals(2, probes(), "exactly one more probe");
		assertEquals("Bearer " + WRONG_KEY, seen.getLast().getHeaders().get("Authorization"));
		assertTrue(testResult(robot).getText().contains("401"), testResult(robot).getText());
		assertFalse(testResult(robot).getText().contains(WRONG_KEY));
		assertTrue(testResult(robot).getStyleClass().contains("error-text"));
		assertEquals(WRONG_KEY, secret.getText(), "testing keeps the key for Save");
		assertNull(broker.broker.registry().current().connection("openai"), "testing saves nothing");
	}

	@Test
	@DisplayName("the Test button is disabled while its request runs, and comes back with the answer")
	void testButtonWaits(FxRobot robot) {
		openAddDialog(robot);
		typeInto(robot, "#base-url", upstream.url("/").toString());
		robot.clickOn("#connection-secret").write(SLOW_KEY);
		Button test = find(robot, "#test-connection", Button.class);
		robot.clickOn(test);

		waitUntil("the upstream holds the probe", () -> probes() == 1);
		assertTrue(test.isDisabled(), "no second test while one runs");
		assertEquals("Testing…", testResult(robot).getText());

		releaseSlowProbe.countDown();
		waitUntil("the answer arrives", () -> !test.isDisabled() && testResult(robot).getText().startsWith("The key works"));
		assertEquals(1, probes());
	}

	@Test
	@DisplayName("an upstream that is not there gives a clear message, not a stack trace")
	void unreachable(FxRobot robot) throws Exception {
		int closedPort;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = s.getLocalPort();
		}
		openAddDialog(robot);
		typeInto(robot, "#base-url", "http://127.0.0.1:" + closedPort);
		robot.clickOn("#connection-secret").write(RIGHT_KEY);
		robot.clickOn("#test-connection");

		waitUntil("the failure is shown", () -> !testResult(robot).getText().isEmpty() && !testResult(robot).getText().equals("Testing…"));
		assertEquals("Could not reach OpenAI (127.0.0.1:" + closedPort + "): nothing accepted the connection."
				+ " Check the base URL and that the service is running, then test again.", testResult(robot).getText());
	}

	@Test
	@DisplayName("a custom API shows its header fields and needs a base URL; the service's validation is shown inline")
	void customAndValidation(FxRobot robot) {
		openAddDialog(robot);
		assertTrue(robot.lookup("#header-name").match(FxScreen::onScreen).tryQuery().isEmpty(), "header fields only for custom");

		robot.clickOn("#provider");
		robot.clickOn(robot.lookup(".list-cell").match((javafx.scene.control.ListCell<?> c) -> "Custom HTTP API".equals(c.getText()) && onScreen(c))
				.queryAs(javafx.scene.control.ListCell.class));
		assertEquals("custom", find(robot, "#connection-name", TextField.class).getText());
		assertEquals("Authorization", find(robot, "#header-name", TextField.class).getText());
		assertEquals("Bearer {secret}", find(robot, "#header-format", TextField.class).getText());

		robot.clickOn("#connection-secret").write(RIGHT_KEY);
		robot.clickOn("#save-connection");
		Label error = robot.lookup("#add-error").queryAs(Label.class);
		waitUntil("the service's refusal is shown", () -> !error.getText().isEmpty());
		assertEquals("A custom connection needs a Base URL, the root of the API, for example https://api.example.com/v1.", error.getText(),
				"the service's rule, naming the dialog's field rather than a command-line flag");

		typeInto(robot, "#base-url", upstream.url("/api").toString());
		typeInto(robot, "#connection-name", "my api");
		robot.clickOn("#save-connection");
		waitUntil("the service's refusal is shown", () -> error.getText().startsWith("'my api' is not a usable connection name."));

		typeInto(robot, "#header-name", "X-Api-Token");
		typeInto(robot, "#header-format", "Token {secret}");
		typeInto(robot, "#connection-name", "myapi");
		robot.press(KeyCode.ENTER).release(KeyCode.ENTER); // Save is the default button
		waitUntil("the connection is listed", () -> row("myapi") != null);
		assertEquals("header X-Api-Token: Token {secret}", row("myapi").authProperty().get());
		assertEquals("Custom HTTP API", row("myapi").providerProperty().get());
	}

	@Test
	@DisplayName("the key's rule is the service's: Test and Save refuse alike, naming the API key field; DEL never reaches them")
	void testAndSaveAgree(FxRobot robot) {
		openAddDialog(robot);
		PasswordField secret = find(robot, "#connection-secret", PasswordField.class);
		Label error = robot.lookup("#add-error").queryAs(Label.class);

		robot.clickOn("#save-connection");
		waitUntil("the empty key is refused", () -> !error.getText().isEmpty());
		assertEquals("Paste the API key first.", error.getText());

		robot.interact(() -> secret.setText("sk-ключ-0123456789"));
		robot.clickOn("#test-connection");
		waitUntil("the test has answered", () -> !testResult(robot).getText().isEmpty() && !testResult(robot).getText().equals("Testing…"));
		robot.interact(() -> error.setText(""));
		robot.clickOn("#save-connection");
		waitUntil("the save's refusal is shown", () -> !error.getText().isEmpty());
		assertEquals("The secret contains characters that cannot be sent in an HTTP header (control or non-ASCII). Check that the API key"
				+ " field holds just the key.", error.getText());
		assertEquals(error.getText(), testResult(robot).getText(), "Test and Save apply one rule, in the same words");

		// JavaFX text fields drop C0 controls and DEL as they are typed or pasted, so the app cannot hand one to the
		// service: what Test tries and Save stores is exactly what the field holds.
		robot.interact(() -> secret.setText(RIGHT_KEY + "\u007f"));
		robot.interact(() -> find(robot, "#connection-name", TextField.class).setText("openai\u007f"));
		assertEquals(RIGHT_KEY, secret.getText());
		assertEquals("openai", find(robot, "#connection-name", TextField.class).getText());
		robot.clickOn("#save-connection");
		waitUntil("the connection is listed", () -> row("openai") != null);
		assertEquals(RIGHT_KEY, keychain.get(broker.broker.connections().get("openai").secretRef()));
	}

	// --- testing and removing a saved connection ---------------------------------------------------------------------

	@Test
	@DisplayName("Test on a saved connection uses its keychain secret and shows the outcome in its row")
	void testSaved(FxRobot robot) {
		robot.clickOn("#tab-connections");
		select(robot, "github");
		robot.clickOn("#test-selected-connection");

		waitUntil("the row and the message show the outcome", () -> row("github").status().equals("Works")
				&& window.connectionsView().message().getText().startsWith("github: The key works: GitHub"));
		List<RecordedRequest> probes = seen.stream().filter(r -> r.getUrl().encodedPath().equals("/user")).toList();
		assertEquals(1, probes.size(), "exactly one probe");
		assertEquals("Bearer " + GITHUB_SECRET, probes.getFirst().getHeaders().get("Authorization"));
	}

	@Test
	@DisplayName("Remove asks first, naming the agents that lose access; confirmed, the connection and its keychain item are gone")
	void remove(FxRobot robot) {
		String ref = broker.broker.registry().current().connection("github").secretRef();
		assertEquals(200, broker.get("/github/user", "Authorization", "Bearer " + coderKey).statusCode());
		robot.clickOn("#tab-connections");
		select(robot, "github");

		robot.clickOn("#remove-connection");
		DialogPane confirm = find(robot, "#remove-confirmation", DialogPane.class);
		assertEquals("Remove 'github'?", confirm.getHeaderText());
		assertTrue(confirm.getContentText().startsWith("These agents lose access to it at once, requests in progress included: coder, reader."),
				confirm.getContentText());
		assertFalse(confirm.getContentText().contains("other"), "an agent of another connection is not named");
		javafx.stage.Window confirmWindow = confirm.getScene().getWindow();
		robot.clickOn("#cancel-remove");
		waitUntil("the confirmation has closed", () -> !confirmWindow.isShowing());
		assertNotNull(row("github"), "'Keep it' keeps it");
		assertEquals(GITHUB_SECRET, keychain.get(ref));

		// The keyboard way: Delete on the selected row asks the same question.
		robot.clickOn(robot.lookup(".table-row-cell").match((TableRow<?> r) -> r.getItem() == row("github") && onScreen(r))
				.queryAs(TableRow.class));
		robot.press(KeyCode.DELETE).release(KeyCode.DELETE);
		robot.clickOn(find(robot, "#confirm-remove", Button.class));

		waitUntil("the row is gone and the view says who lost access", () -> row("github") == null
				&& window.connectionsView().message().getText().equals(
						"Removed 'github' and deleted its key from the keychain. These agents lost access to it: coder, reader."));
		assertNull(broker.broker.registry().current().connection("github"));
		AmkException gone = assertThrows(AmkException.class, () -> keychain.get(ref));
		assertEquals("secret_missing", gone.type());
		assertEquals("unknown_connection", errorType(broker.get("/github/user", "Authorization", "Bearer " + coderKey)));
		assertNotNull(row("spare"), "other connections stay");
	}
}
