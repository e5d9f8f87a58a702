package dev.amk.ui.connections;

import dev.amk.activity.ActivityTracker;
import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.cloud.GcpServiceAccount;
import dev.amk.cloud.LoopbackHostMap;
import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.Providers;
import dev.amk.proxy.ConnectionTester;
import dev.amk.proxy.ProxySettings;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FxScreen;
import dev.amk.testing.Teardown;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adding a Google Cloud service account in the Connections tab's Add dialog. A fake of Google's token endpoint over TLS
 * (as in the cloud tests: its certificate from a local CA, oauth2.googleapis.com resolved to it by the tester's client)
 * checks the JWT bearer assertion's RS256 signature against the service account's public key before it hands out a token.
 */
@ExtendWith(ApplicationExtension.class)
class AddGcpAccountTest {
	private static final String EMAIL = "agent-runner@demo-project.iam.gserviceaccount.com";

	@TempDir
	Path home;
	@TempDir
	Path caHome;

	MockWebServer google;
	KeyPair serviceKey;
	final List<String> issued = new CopyOnWriteArrayList<>();
	BrokerFixture broker;
	ConnectionTester tester;
	ExecutorService background;
	ConnectionsModel model;
	MainWindow window;

	@Start
	void start(Stage stage) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		serviceKey = generator.generateKeyPair();
		LocalCa ca = new LocalCa(caHome, new InMemorySecretStore(), Clock.systemUTC());
		X509Certificate root = ca.ensure().authority().certificate();
		SSLContext serverTls = new SniKeyManager(new LeafCertificates(ca, Clock.systemUTC(), Runnable::run), h -> true).serverContext();
		google = new MockWebServer();
		google.useHttps(serverTls.getSocketFactory());
		google.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return token(request);
			}
		});
		google.start(InetAddress.getLoopbackAddress(), 0);
		X509TrustManager trust = trusting(root);
		SSLContext clientTls = SSLContext.getInstance("TLS");
		clientTls.init(new KeyManager[0], new javax.net.ssl.TrustManager[] {trust}, null);
		ProxySettings toFake = ProxySettings.defaults(0).withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".googleapis.com") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.socketFactory(LoopbackHostMap.port443To(google.getPort()))
				.sslSocketFactory(clientTls.getSocketFactory(), trust));

		broker = BrokerFixture.start(home);
		tester = new ConnectionTester(broker.broker.credentials(), toFake, Duration.ofSeconds(10), Clock.systemUTC());
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
		Teardown.closeAll(background == null ? null : background::shutdown, tester, broker);
		if (google != null) {
			google.close();
		}
	}

	/** Google's token endpoint: the assertion must carry the service account's RS256 signature and name it. */
	private MockResponse token(RecordedRequest request) {
		try {
			if (!"oauth2.googleapis.com".equals(request.getUrl().host()) || !request.getTarget().equals("/token")) {
				return new MockResponse.Builder().code(404).build();
			}
			Map<String, String> fields = new HashMap<>();
			for (String pair : request.getBody().utf8().split("&")) {
				String[] kv = pair.split("=", 2);
				fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
			}
			String[] jwt = fields.get("assertion").split("\\.");
			Signature rs256 = Signature.getInstance("SHA256withRSA");
			rs256.initVerify(serviceKey.getPublic());
			rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
			Map<String, Object> claims = Json.readObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
			if (!rs256.verify(Base64.getUrlDecoder().decode(jwt[2])) || !EMAIL.equals(claims.get("iss"))) {
				return new MockResponse.Builder().code(400).body("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}").build();
			}
			String token = "ya29.fake-" + (issued.size() + 1);
			issued.add(token);
			return new MockResponse.Builder().code(200).body("{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}").build();
		} catch (Exception e) {
			return new MockResponse.Builder().code(500).body(e.toString()).build();
		}
	}

	/** The key file the Google Cloud console downloads, signed by {@code key}. */
	private static String keyJson(KeyPair key) {
		String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		return Json.writePretty(Map.of("type", "service_account", "project_id", "demo-project", "private_key_id", "k1", "private_key", pem,
				"client_email", EMAIL, "token_uri", "https://oauth2.googleapis.com/token"));
	}

	private static X509TrustManager trusting(X509Certificate root) throws Exception {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		store.setCertificateEntry("root", root);
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return (X509TrustManager) factory.getTrustManagers()[0];
	}

	private void openGcpDialog(FxRobot robot) {
		robot.clickOn("#tab-connections");
		robot.clickOn("#add-connection");
		waitUntil("the add dialog is open", () -> FxScreen.showing(robot, "#provider"));
		robot.clickOn("#provider");
		robot.clickOn(robot.lookup(".list-cell").match((ListCell<?> c) -> "Google Cloud".equals(c.getText()) && onScreen(c)).queryAs(ListCell.class));
		waitUntil("the key file field is shown", () -> FxScreen.showing(robot, "#gcp-key"));
		assertTrue(FxScreen.showing(robot, "#gcp-choose-file"), "a file chooser is offered");
	}

	/** Pasting, as a person does with the key file's contents (typing two kilobytes key by key would add nothing). */
	private void paste(FxRobot robot, String text) {
		PasswordField key = find(robot, "#gcp-key", PasswordField.class);
		robot.interact(() -> key.setText(text));
	}

	@Test
	@DisplayName("a pasted service-account key: Test mints a token and says for whom, another key is refused in words; Save keeps it in the keychain")
	void pastedKey(FxRobot robot) throws Exception {
		openGcpDialog(robot);
		assertEquals("gcp", find(robot, "#connection-name", javafx.scene.control.TextField.class).getText());
		Label result = find(robot, "#test-result", Label.class);

		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair other = generator.generateKeyPair(); // a key of the same size that Google does not know
		paste(robot, keyJson(other));
		robot.clickOn("#test-connection");
		waitUntil("the refusal is shown", () -> result.getText().startsWith("Google refused"));
		assertEquals("Google refused the key (400 invalid_grant). The key may have been deleted or disabled, or the service account " + EMAIL
				+ " removed. Create a new key in the Google Cloud console (IAM & Admin → Service accounts → Keys), then test again.", result.getText());
		assertTrue(result.getStyleClass().contains("error-text"));

		paste(robot, keyJson(serviceKey));
		robot.clickOn("#test-connection");
		waitUntil("the test has answered", () -> result.getText().startsWith("The key works"));
		assertEquals("The key works: Google issued an access token for " + EMAIL + " (project demo-project).", result.getText());
		assertEquals(1, issued.size());
		assertFalse(result.getText().contains(issued.getFirst()), "the token is not shown");
		assertNull(broker.broker.registry().current().connection("gcp"), "testing saves nothing");

		PasswordField key = robot.lookup("#gcp-key").queryAs(PasswordField.class); // before Save: the dialog closes on it
		robot.clickOn("#save-connection");
		waitUntil("the connection is listed", () -> broker.broker.registry().current().connection("gcp") != null);
		waitUntil("the dialog has closed", () -> !key.getScene().getWindow().isShowing());
		assertEquals("", key.getText(), "the key leaves the field");
		Connection saved = broker.broker.registry().current().connection("gcp");
		assertEquals(Providers.GCP, saved.provider());
		assertEquals(EMAIL, GcpServiceAccount.fromJson(broker.secrets.get(saved.secretRef())).clientEmail());
	}

	@Test
	@DisplayName("what is not a key file is refused by the service's rule, naming the dialog's field; nothing reaches Google")
	void notAKey(FxRobot robot) {
		openGcpDialog(robot);
		robot.clickOn("#save-connection");
		Label error = robot.lookup("#add-error").queryAs(Label.class);
		waitUntil("the refusal is shown", () -> !error.getText().isEmpty());
		assertEquals("Give the service-account key file the Google Cloud console downloaded (IAM & Admin → Service accounts → Keys) in the"
				+ " Key file field.", error.getText());
		paste(robot, "sk-this-is-an-api-key");
		robot.clickOn("#test-connection");
		Label result = find(robot, "#test-result", Label.class);
		waitUntil("the refusal is shown", () -> !result.getText().isEmpty());
		assertEquals("The service-account key is not JSON. Give the key file the Google Cloud console downloaded, whole, in the Key file field.",
				result.getText());
		assertEquals(0, google.getRequestCount());
		assertNull(broker.broker.registry().current().connection("gcp"));
	}

	@Test
	@DisplayName("a chosen key file is read for the field by the model, off the FX thread")
	void chosenFile() throws Exception {
		Path file = home.resolve("key.json");
		Files.writeString(file, keyJson(serviceKey));
		assertEquals(keyJson(serviceKey), model.readKeyFile(file).get(10, TimeUnit.SECONDS));
	}
}
