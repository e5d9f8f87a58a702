package dev.amk.ui.connections;

import dev.amk.activity.ActivityTracker;
import dev.amk.connections.Connection;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.TokenSet;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.proxy.ConnectionTester;
import dev.amk.secrets.SecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
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
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.typeInto;
import static dev.amk.testing.FxScreen.waitUntil;

/**
 * Connecting accounts with OAuth from the Connections tab, end to end: the real in-process broker (in-memory keychain,
 * real SQLite, real proxy), the real {@link OAuthConnector}, and a fake authorization server over real sockets
 * standing in for GitHub and the others. The test's browser does what a person's would: it follows the
 * authorization page's redirect to the broker's loopback listener (or opens the device page, which approves).
 */
@ExtendWith(ApplicationExtension.class)
class ConnectionsOAuthTest {
	private static final String CLIENT_ID = "gh-client-0123";
	private static final String CLIENT_SECRET = "gh-client-secret-s3cr3t";

	@TempDir
	Path home;

	FakeAuthorizationServer fake;
	TestBrowser browser;
	BrokerFixture broker;
	SecretStore keychain;
	ConnectionTester tester;
	ExecutorService background;
	OAuthConnector connector;
	ConnectionsModel model;
	MainWindow window;

	/**
	 * Stands in for the person's browser: it records each page and, while {@link #approving}, loads it on a thread of
	 * its own, following redirects, so an approval page sends the browser on to the broker's loopback listener.
	 */
	static final class TestBrowser implements Browser {
		final List<String> opened = new CopyOnWriteArrayList<>();
		final List<Throwable> failures = new CopyOnWriteArrayList<>();
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
						failures.add(e);
					}
				});
			}
			return true;
		}
	}

	@Start
	void start(Stage stage) {
		fake = FakeAuthorizationServer.start().registerClient(CLIENT_ID, CLIENT_SECRET);
		browser = new TestBrowser();
		broker = BrokerFixture.start(home);
		keychain = broker.secrets;
		tester = new ConnectionTester(broker.broker.credentials());
		background = Executors.newVirtualThreadPerTaskExecutor();
		connector = new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(), browser,
				Clock.systemUTC(), OAuthConnector.DEFAULT_TIMEOUT, this::atFake);
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		AgentsModel agents = new AgentsModel(broker.broker.registry(), activity, broker.broker.agents(), Clock.systemUTC(), background).start();
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		model = new ConnectionsModel(broker.broker.registry(), broker.broker.connections(), tester, connector, browser, Clock.systemUTC(),
				background).start();
		window.addConnectionsTab(model);
		window.show();
	}

	/** Every provider at the fake server's addresses; the API base URL is given in the dialog, as for GitHub Enterprise. */
	private OAuthProfile atFake(ProviderSpec provider) {
		return Providers.oauthOf(provider).at(fake.authorizeUrl(), fake.tokenUrl(), fake.deviceAuthorizationUrl(), fake.revokeUrl());
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(background == null ? null : background::shutdown, tester, broker, fake);
	}

	// --- helpers -------------------------------------------------------------------------------------------------

	private ConnectionRow row(String name) {
		return model.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
	}

	/** Opens the Connect dialog of {@code provider} from its button on the Connections tab. */
	private Window openConnect(FxRobot robot, String provider) {
		robot.clickOn("#tab-connections");
		robot.clickOn("#connect-" + provider);
		waitUntil("the Connect dialog is open", () -> showing(robot, "#oauth-client-id"));
		return find(robot, "#oauth-client-id", TextField.class).getScene().getWindow();
	}

	/** The fake's API is not api.github.com: give its address under "Other server", as for GitHub Enterprise. */
	private void pointAtFakeApi(FxRobot robot) {
		TitledPane advanced = find(robot, "#oauth-advanced", TitledPane.class);
		robot.clickOn(advanced.lookup(".title"));
		waitUntil("the endpoints are shown", () -> showing(robot, "#oauth-base-url"));
		typeInto(robot, "#oauth-base-url", fake.apiBaseUrl());
	}

	/** Fills in the GitHub dialog as a person would after registering an OAuth app; Connect is left to the caller. */
	private void fillGitHub(FxRobot robot) {
		typeInto(robot, "#oauth-client-id", CLIENT_ID);
		robot.clickOn(find(robot, "#oauth-client-secret", PasswordField.class)).write(CLIENT_SECRET);
		pointAtFakeApi(robot);
	}

	private void awaitConnected(FxRobot robot) {
		waitUntil("the dialog says it is connected (error: '" + text(robot, "#oauth-error") + "')",
				() -> showing(robot, "#oauth-result") && text(robot, "#oauth-connected-as").startsWith("Connected"));
		WaitForAsyncUtils.waitForFxEvents(); // the condition is read off the FX thread: let the FX turn that set it finish
	}

	/** Signs in without the dialog, as the CLI would: for tests about what happens to a connection afterwards. */
	private Connection connectDirectly(String name) throws Exception {
		OAuthConnector.Connected c = background.submit(() -> connector.prepare(new OAuthConnector.Request(name, Providers.GITHUB, CLIENT_ID,
				CLIENT_SECRET, null, null, null, null, null, fake.apiBaseUrl(), false, true, false)).run(new OAuthConnector.Progress() {
		})).get(15, TimeUnit.SECONDS);
		broker.awaitRegistry(s -> s.connection(name) != null);
		waitUntil("the row is listed", () -> row(name) != null);
		return c.connection();
	}

	// --- connecting ----------------------------------------------------------------------------------------------------

	@Test
	@DisplayName("Connect GitHub: the browser approves, the dialog says whose account it is, and the row shows it with its scopes and expiry")
	void connectGitHub(FxRobot robot) throws Exception {
		Window dialog = openConnect(robot, "github");
		assertEquals("github", find(robot, "#oauth-name", TextField.class).getText(), "the name starts as the provider's id");
		assertEquals("", find(robot, "#oauth-client-id", TextField.class).getText(), "no GitHub connection yet, so no client id to offer");
		assertEquals(window.stage().getScene().getStylesheets(), dialog.getScene().getStylesheets(), "light or dark, as the main window");
		assertEquals("http://127.0.0.1/callback", find(robot, "#redirect-uri", TextField.class).getText());
		assertEquals("repo, read:user", text(robot, "#oauth-fixed-scopes"));
		assertTrue(showing(robot, "#oauth-device"), "GitHub offers the device flow");
		fillGitHub(robot);

		robot.clickOn("#oauth-connect");
		awaitConnected(robot);
		assertEquals("Connected as octocat.", text(robot, "#oauth-connected-as"));
		assertEquals("Scopes: repo, read:user", text(robot, "#oauth-granted-scopes"));
		assertTrue(text(robot, "#oauth-expiry").matches("Token renews automatically; expires in (59|60) min\\."), text(robot, "#oauth-expiry"));
		assertEquals("", robot.lookup("#oauth-client-secret").queryAs(PasswordField.class).getText(), "the secret leaves the field once stored");
		assertEquals(1, browser.opened.size(), "one browser page");
		assertTrue(browser.opened.getFirst().startsWith(fake.authorizeUrl() + "?"), browser.opened.getFirst());
		assertTrue(browser.failures.isEmpty(), () -> browser.failures.toString());

		// The row, live: account, scopes, lifetime.
		ConnectionRow row = row("github");
		assertNotNull(row);
		assertTrue(row.isOAuth());
		assertEquals("octocat", row.identityProperty().get());
		assertEquals(List.of("repo", "read:user"), row.scopesProperty().get());
		assertFalse(row.needsReconnect());
		assertEquals(row, window.connectionsView().table().getSelectionModel().getSelectedItem(), "the new row is selected");
		waitUntil("the table draws the new row", () -> text(robot, "#account-github").equals("as octocat"));
		assertEquals("repo, read:user", text(robot, "#scopes-github"));
		assertTrue(window.connectionsView().message().getText().startsWith("Connected 'github' as octocat."),
				window.connectionsView().message().getText());

		// Done (Enter, as the default button) closes the dialog.
		robot.press(KeyCode.ENTER).release(KeyCode.ENTER);
		waitUntil("the dialog has closed", () -> !dialog.isShowing());

		// Stored where it belongs: the token set and the client secret in the keychain, nothing secret in the registry.
		Connection saved = broker.broker.registry().current().connection("github");
		TokenSet tokens = TokenSet.fromJson(keychain.get(saved.secretRef()));
		assertTrue(fake.currentAccessTokens().contains(tokens.accessToken()));
		assertEquals(CLIENT_SECRET, keychain.get(saved.oauth().clientSecretRef()));
		assertEquals(CLIENT_ID, saved.oauth().clientId());

		// And an agent given the connection reaches the API with the broker's token, never seeing it.
		String agentKey = broker.createAgent("coder", "github");
		HttpResponse<String> viaProxy = broker.get("/github/user", "Authorization", "Bearer " + agentKey);
		assertEquals(200, viaProxy.statusCode(), viaProxy.body());
		assertTrue(viaProxy.body().contains("octocat"));
		assertEquals("Bearer " + tokens.accessToken(), fake.apiRequests().getLast().authorization());
		waitUntil("the agent shows as using it", () -> row("github").agents().equals(List.of("coder")));
	}

	@Test
	@DisplayName("a second GitHub connection gets a name of its own and is offered the client id already in use")
	void secondConnection(FxRobot robot) throws Exception {
		connectDirectly("github");
		openConnect(robot, "github");
		assertEquals("github-2", find(robot, "#oauth-name", TextField.class).getText());
		assertEquals(CLIENT_ID, find(robot, "#oauth-client-id", TextField.class).getText());
		assertEquals("", find(robot, "#oauth-client-secret", PasswordField.class).getText(), "a secret is never shown again");
	}

	@Test
	@DisplayName("device flow: the dialog shows the code big and copyable, opens the verification page, and connects once approved")
	void deviceFlow(FxRobot robot) {
		browser.approving = false; // the person has not typed the code yet
		openConnect(robot, "github");
		fillGitHub(robot);
		robot.clickOn("#oauth-device");
		robot.clickOn("#oauth-connect");

		waitUntil("the code is shown", () -> !text(robot, "#device-code").isEmpty());
		String code = text(robot, "#device-code");
		assertTrue(find(robot, "#device-code", Label.class).getStyleClass().contains("device-code"), "shown big");
		assertEquals(fake.baseUrl() + "/device", find(robot, "#device-page", TextField.class).getText());
		assertEquals(fake.baseUrl() + "/device?user_code=" + code, browser.opened.getLast(), "the verification page opened, code filled in");
		assertTrue(text(robot, "#oauth-step").contains(code), text(robot, "#oauth-step"));
		assertTrue(text(robot, "#device-code-expiry").startsWith("The code is valid until "));
		assertFalse(showing(robot, "#oauth-link-box"), "no approval link in the device flow");

		robot.clickOn("#copy-device-code");
		assertEquals(code, WaitForAsyncUtils.waitForAsyncFx(5000, () -> javafx.scene.input.Clipboard.getSystemClipboard().getString()));

		// "Open page" opens it again; this time the person approves there.
		browser.approving = true;
		robot.clickOn("#open-device-page");
		awaitConnected(robot);
		assertEquals("Connected as octocat.", text(robot, "#oauth-connected-as"));
		waitUntil("the row is listed", () -> row("github") != null && "octocat".equals(row("github").identityProperty().get()));
	}

	// --- cancelling --------------------------------------------------------------------------------------------------

	@Test
	@DisplayName("ends an attempt waiting for the browser: the listener closes, nothing is stored, the form is editable again")
	void cancelWhileWaiting(FxRobot robot) throws Exception {
		browser.approving = false; // the person never approves
		Window dialog = openConnect(robot, "github");
		fillGitHub(robot);
		robot.clickOn("#oauth-connect");

		waitUntil("the approval link is shown", () -> find(robot, "#oauth-link", TextField.class).getText() != null
				&& find(robot, "#oauth-link", TextField.class).getText().startsWith(fake.authorizeUrl()));
		String url = find(robot, "#oauth-link", TextField.class).getText();
		assertEquals(url, browser.opened.getLast());
		assertTrue(showing(robot, "#oauth-spinner"));
		assertEquals("Waiting for you to approve in the browser…", text(robot, "#oauth-step"));
		assertFalse(showing(robot, "#oauth-client-id"), "the form steps aside while it runs");
		String redirectUri = okhttp3.HttpUrl.get(url).queryParameter("redirect_uri");

		robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE); // Escape = Cancel
		waitUntil("the dialog is editable again", () -> text(robot, "#oauth-notice").equals("Cancelled. Nothing was stored.")
				&& showing(robot, "#oauth-client-id") && !find(robot, "#oauth-client-id", TextField.class).isDisabled());
		assertTrue(dialog.isShowing(), "cancelling the sign-in keeps the dialog");
		assertFalse(showing(robot, "#oauth-spinner"));
		assertEquals("", text(robot, "#oauth-error"));
		assertNull(broker.broker.registry().reload().connection("github"), "nothing stored");
		assertTrue(model.rows().isEmpty());
		assertEquals(0, fake.tokenCalls(), "no code was exchanged");
		// The one-shot listener is gone: a late redirect finds nobody.
		assertThrows(ConnectException.class, () -> java.net.http.HttpClient.newHttpClient().send(
				java.net.http.HttpRequest.newBuilder(URI.create(redirectUri + "?code=late&state=x")).build(),
				HttpResponse.BodyHandlers.discarding()));

		// Connect again from the same dialog: this time the person approves.
		browser.approving = true;
		robot.clickOn("#oauth-connect");
		awaitConnected(robot);
		assertEquals("", text(robot, "#oauth-notice"), "the old notice goes");
		assertNotNull(row("github"));
	}

	@Test
	@DisplayName("ends a device sign-in: polling stops and nothing is stored; Escape on the idle form closes the dialog")
	void cancelDevice(FxRobot robot) {
		browser.approving = false;
		Window dialog = openConnect(robot, "github");
		fillGitHub(robot);
		robot.clickOn("#oauth-device");
		robot.clickOn("#oauth-connect");
		waitUntil("the code is shown", () -> !text(robot, "#device-code").isEmpty());

		robot.clickOn("#oauth-cancel");
		waitUntil("the dialog is editable again", () -> text(robot, "#oauth-notice").equals("Cancelled. Nothing was stored."));
		int polls = fake.tokenCalls();
		assertFalse(showing(robot, "#oauth-device-box"), "the old code is not left on screen");
		assertNull(broker.broker.registry().reload().connection("github"));

		robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
		waitUntil("the dialog has closed", () -> !dialog.isShowing());
		assertEquals(polls, fake.tokenCalls(), "no more polling after Cancel");
	}

	@Test
	@DisplayName("closing the window while it waits cancels the sign-in")
	void closingCancels(FxRobot robot) throws Exception {
		browser.approving = false;
		Window dialog = openConnect(robot, "github");
		fillGitHub(robot);
		robot.clickOn("#oauth-connect");
		waitUntil("the approval link is shown", () -> !browser.opened.isEmpty());
		String redirectUri = okhttp3.HttpUrl.get(browser.opened.getLast()).queryParameter("redirect_uri");

		robot.interact(() -> ((Stage) dialog).close());
		waitUntil("the loopback listener has closed", () -> {
			try {
				java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(redirectUri)).build(),
						HttpResponse.BodyHandlers.discarding());
				return false;
			} catch (ConnectException e) {
				return true;
			}
		});
		assertNull(broker.broker.registry().reload().connection("github"));
	}

	// --- problems before anything opens --------------------------------------------------------------------------------

	@Test
	@DisplayName("the connector's validation is shown in the dialog before any browser opens, and the form stays editable")
	void validation(FxRobot robot) throws Exception {
		connectDirectly("github");
		openConnect(robot, "github");
		typeInto(robot, "#oauth-name", "github");
		robot.press(KeyCode.ENTER).release(KeyCode.ENTER); // Enter = Connect
		waitUntil("the name clash is reported", () -> text(robot, "#oauth-error").startsWith("A connection named 'github' already exists."));

		typeInto(robot, "#oauth-name", "work github");
		robot.clickOn("#oauth-connect");
		waitUntil("the bad name is reported", () -> text(robot, "#oauth-error").startsWith("'work github' is not a usable connection name."));

		typeInto(robot, "#oauth-name", "work");
		robot.interact(() -> find(robot, "#oauth-client-id", TextField.class).clear());
		robot.clickOn("#oauth-connect");
		waitUntil("the missing client id is reported", () -> text(robot, "#oauth-error").startsWith("An OAuth client id is needed: register an OAuth app at "));
		assertTrue(text(robot, "#oauth-error").contains("http://127.0.0.1/callback"));
		assertFalse(find(robot, "#oauth-client-id", TextField.class).isDisabled());
		assertEquals(1, browser.opened.size(), "only the first connection's sign-in opened a browser");
		assertEquals(List.of("github"), model.rows().stream().map(ConnectionRow::name).toList());
	}

	@Test
	@DisplayName("Other OAuth… asks for its endpoints, Linear for at least one permission, in the dialog's own words")
	void formChecks(FxRobot robot) {
		Window other = openConnect(robot, "oauth");
		assertTrue(showing(robot, "#oauth-token-url"), "the generic provider shows its endpoints at once");
		assertFalse(showing(robot, "#oauth-device"), "no device flow without a device endpoint");
		assertTrue(showing(robot, "#oauth-scopes"), "free scopes");
		typeInto(robot, "#oauth-client-id", CLIENT_ID);
		robot.clickOn("#oauth-connect");
		assertEquals("Fill in the authorize URL and the token URL: the API's OAuth documentation lists both.", text(robot, "#oauth-form-error"));
		typeInto(robot, "#oauth-authorize-url", fake.authorizeUrl());
		typeInto(robot, "#oauth-token-url", fake.tokenUrl());
		robot.clickOn("#oauth-connect");
		assertEquals("A generic OAuth connection needs a Base URL: the root of the API the tokens are for.", text(robot, "#oauth-form-error"),
				"the connector's rule, in the dialog's words");
		robot.clickOn("#oauth-cancel");
		waitUntil("the dialog has closed", () -> !other.isShowing());

		openConnect(robot, "linear");
		assertFalse(showing(robot, "#oauth-device"), "Linear has no device flow");
		CheckBox read = find(robot, "#scope-read", CheckBox.class);
		assertTrue(read.isSelected(), "Read is chosen by default");
		assertFalse(find(robot, "#scope-write", CheckBox.class).isSelected());
		typeInto(robot, "#oauth-client-id", CLIENT_ID);
		robot.clickOn(read);
		robot.clickOn("#oauth-connect");
		assertEquals("Choose at least one permission.", text(robot, "#oauth-form-error"));
		assertTrue(browser.opened.isEmpty());
	}

	@Test
	@DisplayName("Google: the chosen permissions are asked for, with openid and email to learn whose account it is")
	void googleScopes(FxRobot robot) {
		browser.approving = false;
		openConnect(robot, "google");
		assertTrue(find(robot, "#scope-gmail-read", CheckBox.class).isSelected());
		assertFalse(find(robot, "#scope-gmail-send", CheckBox.class).isSelected());
		robot.clickOn("#scope-drive-read"); // off
		robot.clickOn("#scope-calendar-read"); // off
		robot.clickOn("#scope-gmail-send"); // on
		typeInto(robot, "#oauth-client-id", CLIENT_ID);
		robot.clickOn("#oauth-connect");
		waitUntil("the browser was asked", () -> !browser.opened.isEmpty());
		assertEquals("openid email https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send",
				okhttp3.HttpUrl.get(browser.opened.getLast()).queryParameter("scope"));
		robot.clickOn("#oauth-cancel");
		waitUntil("cancelled", () -> text(robot, "#oauth-notice").startsWith("Cancelled"));
	}

	// --- after connecting -----------------------------------------------------------------------------------------------

	@Test
	@DisplayName("a refused refresh shows the row as needing reconnect, live; its Reconnect button signs in again and agents work again")
	void needsReconnect(FxRobot robot) throws Exception {
		Connection first = connectDirectly("github");
		String agentKey = broker.createAgent("coder", "github");
		assertEquals(200, broker.get("/github/user", "Authorization", "Bearer " + agentKey).statusCode());
		robot.clickOn("#tab-connections");
		assertFalse(showing(robot, "#needs-reconnect-github"));
		assertTrue(text(robot, "#expiry-github").matches("token renews automatically; expires in (59|60) min"), text(robot, "#expiry-github"));

		// The provider stops accepting the token and refuses the refresh: the broker marks the connection.
		fake.expireAccessTokens();
		fake.rejectRefresh(true);
		assertEquals(401, broker.get("/github/user", "Authorization", "Bearer " + agentKey).statusCode());
		waitUntil("the row shows the warning badge", () -> showing(robot, "#needs-reconnect-github"));
		assertTrue(row("github").needsReconnect());
		assertEquals("⚠ Needs reconnect", text(robot, "#needs-reconnect-github"));
		assertEquals("connection_needs_reauth", errorType(broker.get("/github/user", "Authorization", "Bearer " + agentKey)));

		robot.clickOn("#reconnect-github");
		waitUntil("the Reconnect dialog is open", () -> showing(robot, "#oauth-client-id"));
		TextField name = find(robot, "#oauth-name", TextField.class);
		assertEquals("github", name.getText());
		assertFalse(name.isEditable(), "it signs in to this connection, not a new one");
		assertEquals(CLIENT_ID, find(robot, "#oauth-client-id", TextField.class).getText());
		assertEquals("Reconnect", find(robot, "#oauth-connect", Button.class).getText());
		fake.rejectRefresh(false);
		robot.clickOn("#oauth-connect"); // the client secret and the API base URL stay as they were
		awaitConnected(robot);
		assertEquals("Connected as octocat.", text(robot, "#oauth-connected-as"));

		waitUntil("the badge is gone", () -> !showing(robot, "#needs-reconnect-github") && !row("github").needsReconnect());
		assertEquals(first.id(), broker.broker.registry().current().connection("github").id(), "the same connection, grants kept");
		HttpResponse<String> again = broker.get("/github/user", "Authorization", "Bearer " + agentKey);
		assertEquals(200, again.statusCode(), again.body());
		assertTrue(window.connectionsView().message().getText().startsWith("Reconnected 'github' as octocat."));
	}

	@Test
	@DisplayName("Remove on an OAuth row says that the provider revoked the tokens")
	void removeRevokes(FxRobot robot) throws Exception {
		Connection c = connectDirectly("github");
		String refresh = TokenSet.fromJson(keychain.get(c.secretRef())).refreshToken();
		robot.clickOn("#tab-connections");
		robot.clickOn(robot.lookup(".table-row-cell").match((javafx.scene.control.TableRow<?> r) -> r.getItem() == row("github") && onScreen(r))
				.queryAs(javafx.scene.control.TableRow.class));
		robot.clickOn("#remove-connection");
		javafx.scene.control.DialogPane confirm = find(robot, "#remove-confirmation", javafx.scene.control.DialogPane.class);
		assertTrue(confirm.getContentText().contains("Its tokens are revoked at GitHub where it allows that"), confirm.getContentText());
		robot.clickOn(find(robot, "#confirm-remove", Button.class));

		waitUntil("the view says what happened", () -> window.connectionsView().message().getText().startsWith("Removed 'github'"));
		assertEquals("Removed 'github' and deleted its tokens from the keychain. GitHub revoked its tokens, so no copy of them works any more.",
				window.connectionsView().message().getText());
		assertEquals(List.of(refresh), fake.revokedTokens());
		assertNull(row("github"));
	}
}
