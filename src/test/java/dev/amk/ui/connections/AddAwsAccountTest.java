package dev.amk.ui.connections;

import dev.amk.activity.ActivityTracker;
import dev.amk.cloud.AwsAccount;
import dev.amk.cloud.FakeAws;
import dev.amk.connections.Connection;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.Providers;
import dev.amk.proxy.ConnectionTester;
import dev.amk.proxy.ProxySettings;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FxScreen;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.typeInto;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Adding an AWS account in the Connections tab's Add dialog, against the loopback fake AWS of the cloud tests (STS over TLS,
 * every signature recomputed by botocore): the dialog's Test makes the broker's own signed {@code sts:GetCallerIdentity}
 * through a tester tuned like the proxy (the fake stands for *.amazonaws.com), and Save files the account in the keychain.
 */
@ExtendWith(ApplicationExtension.class)
class AddAwsAccountTest {
	private static final String WRONG_SECRET = "owner/NotTheRightSecretKey+0123456789abcd";

	@TempDir
	static Path fakeDir;
	static FakeAws fake;

	@TempDir
	Path home;
	@TempDir
	Path awsHome;

	Path credentialsFile;
	BrokerFixture broker;
	ConnectionTester tester;
	ExecutorService background;
	ConnectionsModel model;
	MainWindow window;

	@BeforeAll
	static void startFake() throws Exception {
		assumeTrue(onPath("python3") && onPath("openssl"), "python3 and openssl are needed for the fake AWS");
		assumeTrue(new ProcessBuilder("python3", "-c", "import botocore").start().waitFor() == 0, "python3-botocore missing");
		fake = FakeAws.start(fakeDir);
	}

	@AfterAll
	static void stopFake() throws Exception {
		if (fake != null) {
			fake.close();
		}
	}

	@Start
	void start(Stage stage) throws Exception {
		credentialsFile = awsHome.resolve("credentials");
		Files.writeString(credentialsFile, """
				[default]
				aws_access_key_id = AKIADEFAULTDEFAULT00
				aws_secret_access_key = not-the-owner
				[work]
				aws_access_key_id = %s
				aws_secret_access_key = %s
				""".formatted(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET));
		var trust = fake.trust();
		var tls = fake.tls();
		// The one test-only part: the tester's client resolves *.amazonaws.com to the fake, as the cloud tests' broker does.
		ProxySettings toFake = ProxySettings.defaults(0).withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".amazonaws.com") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.socketFactory(fake.portMap())
				.sslSocketFactory(tls.getSocketFactory(), trust));
		broker = BrokerFixture.start(home);
		tester = new ConnectionTester(broker.broker.credentials(), toFake, Duration.ofSeconds(10), Clock.systemUTC());
		background = Executors.newVirtualThreadPerTaskExecutor();
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		AgentsModel agents = new AgentsModel(broker.broker.registry(), activity, broker.broker.agents(), Clock.systemUTC(), background).start();
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		OAuthConnector oauth = new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(),
				Browser.NONE, Clock.systemUTC(), OAuthConnector.DEFAULT_TIMEOUT);
		model = new ConnectionsModel(broker.broker.registry(), broker.broker.connections(), tester, oauth, null, credentialsFile, Browser.NONE,
				Clock.systemUTC(), background).start();
		window.addConnectionsTab(model);
		window.show();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(background == null ? null : background::shutdown, tester, broker);
	}

	private static boolean onPath(String tool) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
	}

	private void openAwsDialog(FxRobot robot) {
		robot.clickOn("#tab-connections");
		robot.clickOn("#add-connection");
		waitUntil("the add dialog is open", () -> FxScreen.showing(robot, "#provider"));
		robot.clickOn("#provider");
		robot.clickOn(robot.lookup(".list-cell").match((ListCell<?> c) -> "Amazon Web Services".equals(c.getText()) && onScreen(c))
				.queryAs(ListCell.class));
		waitUntil("the AWS fields are shown", () -> FxScreen.showing(robot, "#aws-access-key-id"));
		assertFalse(FxScreen.showing(robot, "#connection-secret"), "no API key field for an AWS account");
	}

	private Label testResult(FxRobot robot) {
		return find(robot, "#test-result", Label.class);
	}

	private long stsCalls() throws Exception {
		return fake.log().stream().filter(e -> String.valueOf(e.get("host")).startsWith("sts.")).count();
	}

	@Test
	@DisplayName("AWS keys typed in: Test shows the account and ARN STS names for them, a wrong secret says what to do; Save keeps them in the keychain")
	void typedKeys(FxRobot robot) throws Exception {
		openAwsDialog(robot);
		assertEquals("aws", find(robot, "#connection-name", TextField.class).getText());
		assertTrue(find(robot, "#aws-secret-access-key", javafx.scene.Node.class) instanceof PasswordField, "the secret key is masked");
		assertTrue(find(robot, "#aws-session-token", javafx.scene.Node.class) instanceof PasswordField, "the session token is masked");
		typeInto(robot, "#aws-access-key-id", FakeAws.ACCESS_KEY_ID);
		robot.clickOn("#aws-secret-access-key").write(FakeAws.SECRET);
		// Region left empty: us-east-1, as the CLI's default (the fake's certificate covers that region).

		robot.clickOn("#test-connection");
		Label result = testResult(robot);
		waitUntil("the test has answered", () -> !result.getText().isEmpty() && !result.getText().equals("Testing…"));

		assertEquals("The keys work: they belong to AWS account 123456789012 (arn:aws:iam::123456789012:user/owner).", result.getText());
		assertTrue(result.getStyleClass().contains("test-ok"));
		Map<String, Object> call = fake.log().stream().filter(e -> "sts.us-east-1.amazonaws.com".equals(e.get("host"))).findFirst().orElseThrow();
		assertEquals(Boolean.TRUE, call.get("verified"), "botocore accepted the broker's signature: " + call);
		assertEquals(FakeAws.ACCESS_KEY_ID, call.get("akid"));
		assertNull(broker.broker.registry().current().connection("aws"), "testing saves nothing");

		PasswordField secret = find(robot, "#aws-secret-access-key", PasswordField.class);
		robot.interact(secret::clear);
		robot.clickOn(secret).write(WRONG_SECRET);
		robot.clickOn("#test-connection");
		waitUntil("the refusal is shown", () -> result.getText().startsWith("AWS refused the keys"));
		assertEquals("AWS refused the keys (403 SignatureDoesNotMatch). The secret access key does not belong to this access key id: paste it"
				+ " again, whole, then test again. (An unknown access key id can also show this way.)", result.getText());
		assertTrue(result.getStyleClass().contains("error-text"));
		assertFalse(result.getText().contains(WRONG_SECRET));

		robot.interact(secret::clear);
		robot.clickOn(secret).write(FakeAws.SECRET);
		robot.clickOn("#save-connection");
		waitUntil("the connection is listed", () -> broker.broker.registry().current().connection("aws") != null
				&& !secret.getScene().getWindow().isShowing());
		assertEquals("", secret.getText(), "the secret leaves the field");
		Connection saved = broker.broker.registry().current().connection("aws");
		assertEquals(Providers.AWS, saved.provider());
		AwsAccount stored = AwsAccount.fromSecret(broker.secrets.get(saved.secretRef()));
		assertEquals(new AwsAccount(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET, null, "us-east-1", null), stored);
		waitUntil("the view says what happened", () -> window.connectionsView().message().getText().startsWith("Connected 'aws'."));

		// The row's Test uses the keychain's keys through the same signed call.
		ConnectionRow row = model.rows().stream().filter(r -> r.name().equals("aws")).findFirst().orElseThrow();
		robot.interact(() -> window.connectionsView().table().getSelectionModel().select(row));
		robot.clickOn("#test-selected-connection");
		waitUntil("the saved connection's test has answered", () -> window.connectionsView().message().getText().startsWith("aws: The keys work"));
		waitUntil("its row says it works", () -> row.status().equals("Works"));
	}

	@Test
	@DisplayName("a malformed key id is refused by the service's rule, naming the dialog's field, before anything reaches AWS")
	void malformed(FxRobot robot) throws Exception {
		openAwsDialog(robot);
		long before = stsCalls();
		typeInto(robot, "#aws-access-key-id", "not-a-key-id");
		robot.clickOn("#aws-secret-access-key").write(FakeAws.SECRET);
		robot.clickOn("#test-connection");
		Label result = testResult(robot);
		waitUntil("the refusal is shown", () -> !result.getText().isEmpty());
		assertEquals("An AWS access key id is 16 or more capital letters and digits, starting AKIA… (long-term keys) or ASIA… (temporary ones)."
				+ " Check the Key ID field.", result.getText());
		typeInto(robot, "#aws-access-key-id", FakeAws.ACCESS_KEY_ID);
		typeInto(robot, "#aws-role-arn", "admin");
		robot.clickOn("#save-connection");
		Label error = robot.lookup("#add-error").queryAs(Label.class);
		waitUntil("the refusal is shown", () -> !error.getText().isEmpty());
		assertEquals("'admin' is not an IAM role ARN such as arn:aws:iam::123456789012:role/agents. Check the Role ARN field, or leave it empty.",
				error.getText());
		assertEquals(before, stsCalls(), "nothing was sent");
		assertNull(broker.broker.registry().current().connection("aws"));
	}

	@Test
	@DisplayName("Import reads a profile of the credentials file into the masked fields; after Save the view says how to remove the plaintext copy")
	void importProfile(FxRobot robot) throws Exception {
		openAwsDialog(robot);
		typeInto(robot, "#aws-profile", "nope");
		robot.clickOn("#aws-import");
		Label error = robot.lookup("#add-error").queryAs(Label.class);
		waitUntil("the missing profile is reported", () -> error.getText().startsWith("Profile 'nope' is not in " + credentialsFile));

		typeInto(robot, "#aws-profile", "work");
		robot.clickOn("#aws-import");
		TextField keyId = find(robot, "#aws-access-key-id", TextField.class);
		waitUntil("the keys are imported", () -> keyId.getText().equals(FakeAws.ACCESS_KEY_ID));
		assertEquals(FakeAws.SECRET, find(robot, "#aws-secret-access-key", PasswordField.class).getText());
		robot.clickOn("#test-connection");
		waitUntil("the test has answered", () -> testResult(robot).getText().startsWith("The keys work"));

		robot.clickOn("#save-connection");
		waitUntil("the connection is listed", () -> broker.broker.registry().current().connection("aws") != null);
		Label message = window.connectionsView().message();
		waitUntil("the view says what happened", () -> message.getText().startsWith("Connected 'aws'."));
		assertTrue(message.getText().contains("remove the plaintext copy from " + credentialsFile + ": delete the [work] section"), message.getText());
		assertFalse(message.getText().contains(FakeAws.SECRET));
		assertTrue(Files.readString(credentialsFile).contains(FakeAws.SECRET), "the app never changes the file itself");
		assertNotNull(AwsAccount.fromSecret(broker.secrets.get(broker.broker.registry().current().connection("aws").secretRef())));
	}
}
