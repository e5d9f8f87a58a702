package dev.amk.ui.doctor;

import dev.amk.activity.ActivityTracker;
import dev.amk.doctor.BrokerCheck;
import dev.amk.doctor.DoctorFix;
import dev.amk.doctor.Fingerprints;
import dev.amk.doctor.FixtureHome;
import dev.amk.doctor.Scanner;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.fxapp.KeysFoundTab;
import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.amk.testing.FxScreen.onScreen;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "Keys found on this computer" view as the app's welcome screen, on a fixture home and the real broker, headless. */
@ExtendWith(ApplicationExtension.class)
class KeysFoundViewTest {
	@TempDir
	Path root;

	FixtureHome fx;
	MockWebServer upstream;
	BrokerFixture broker;
	InMemorySecretStore keychain;
	ExecutorService background;
	MainWindow window;
	KeysFoundView view;

	@Start
	void start(Stage stage) throws Exception {
		fx = new FixtureHome(root);
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(Files.createDirectories(root.resolve("data")));
		String base = upstream.url("/").toString().replaceAll("/$", "");
		// The keys the fixture holds are already connections (pointed at a loopback upstream): the fix reuses them.
		broker.addConnection("openai", "openai", base, fx.openai);
		broker.addConnection("claude", "anthropic", base, fx.anthropic);
		keychain = broker.secrets;
		background = Executors.newVirtualThreadPerTaskExecutor();
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		AgentsModel agents = new AgentsModel(broker.broker.registry(), activity, broker.broker.agents(), Clock.systemUTC(), background).start();
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		window.addTab("Connections", new Label("the Connections view"), "tab-connections"); // only the tab 'Add a connection by hand' opens
		DoctorFix doctor = new DoctorFix(broker.broker.connections(), keychain, broker.broker.agents(), broker.home, Clock.systemUTC(),
				broker.port(), BrokerCheck.onPort(broker.port()));
		view = KeysFoundTab.install(window, new KeysFoundModel(new Scanner(fx.home, "Linux"), doctor, background), fx.home, true);
	}

	@AfterEach
	void stop() throws Exception {
		background.shutdown();
		broker.close();
		upstream.close();
	}

	private static List<String> texts(FxRobot robot) {
		return robot.lookup((Node n) -> n instanceof Labeled && onScreen(n)).queryAllAs(Labeled.class).stream().map(Labeled::getText).toList();
	}

	@Test
	@DisplayName("on a first run the window opens on the scan: each key once, with where it appears and what fixing will do, never the key")
	void welcome(FxRobot robot) {
		waitUntil("the scan is shown", () -> robot.lookup("#secret-" + Fingerprints.of(fx.openai)).match(n -> onScreen(n)).tryQuery().isPresent());
		assertTrue(window.stage().isShowing());
		assertEquals(KeysFoundTab.TAB_ID, robot.lookup(".tab-pane").queryAs(TabPane.class).getSelectionModel().getSelectedItem().getId());
		List<String> shown = texts(robot);
		String all = String.join("\n", shown);
		assertTrue(all.contains("~/.zshrc:3 — shell (~/.zshrc), OPENAI_API_KEY"), all);
		assertTrue(all.contains("Fix: into connection 'openai'; agent 'zshrc' gets its own key; OPENAI_BASE_URL points at the broker"), all);
		assertTrue(all.contains("Left as it is: AWS SDKs sign each request"), all);
		for (String secret : List.of(fx.openai, fx.anthropic, fx.github, fx.awsSecret, fx.generic, fx.npm)) {
			assertFalse(all.contains(secret.substring(secret.length() - 10)), "a key is on screen");
		}
		assertTrue(text(robot, "#doctor-message").endsWith("3 file(s) can be fixed."), text(robot, "#doctor-message"));
	}

	@Test
	@DisplayName("'Add a connection by hand' is one click away: it opens the Connections tab")
	void byHand(FxRobot robot) {
		robot.clickOn("#doctor-add-by-hand");
		waitUntil("the Connections tab is in front", () -> "tab-connections".equals(
				robot.lookup(".tab-pane").queryAs(TabPane.class).getSelectionModel().getSelectedItem().getId()));
	}

	@Test
	@DisplayName("Fix asks about each file: the accepted ones are rewritten and checked through the broker, the skipped one is untouched")
	void fixPerFile(FxRobot robot) throws Exception {
		waitUntil("the fix is possible", () -> !robot.lookup("#doctor-fix").queryAs(Button.class).isDisabled());
		byte[] desktopBefore = Files.readAllBytes(fx.file(".config/Claude/claude_desktop_config.json"));
		robot.clickOn("#doctor-fix");
		for (String answer : List.of("Rewrite", "Skip", "Rewrite")) { // Codex, Claude Desktop, .zshrc
			waitUntil("a confirmation is shown", () -> robot.lookup("#doctor-confirm").match(n -> onScreen(n)).tryQuery().isPresent());
			Node header = robot.lookup("#doctor-confirm").match(n -> onScreen(n)).query();
			robot.clickOn(robot.from(header).lookup((Node n) -> n instanceof Button b && b.getText().equals(answer)).queryAs(Button.class));
		}
		waitUntil("the outcome is shown", () -> text(robot, "#doctor-result").contains("Rewrote ~/.zshrc"));
		String result = text(robot, "#doctor-result");
		assertTrue(result.contains("Rewrote ~/.codex/config.toml: checked: 200 from Anthropic through the broker"), result);
		assertFalse(result.contains("claude_desktop_config"), result);
		assertArrayEquals(desktopBefore, Files.readAllBytes(fx.file(".config/Claude/claude_desktop_config.json")));
		assertTrue(Files.readString(fx.file(".zshrc")).contains("export OPENAI_API_KEY=\"amk_"));
		waitUntil("the rescan shows the .zshrc key gone", () -> texts(robot).stream().noneMatch(t -> t.startsWith("  ~/.zshrc:3")));
	}

	@Test
	@org.junit.jupiter.api.Tag("screenshots")
	@DisplayName("renders docs/screenshots/keys-found.png and keys-found-dark.png (run with the screenshots group)")
	void screenshot(FxRobot robot) throws Exception {
		String dir = System.getProperty("amk.screenshots.dir");
		org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "run through scripts/screenshots.sh");
		waitUntil("the scan is shown", () -> robot.lookup("#secret-" + Fingerprints.of(fx.openai)).match(n -> onScreen(n)).tryQuery().isPresent());
		try {
			robot.interact(() -> {
				window.stage().setWidth(980);
				window.stage().setHeight(720);
				javafx.application.Application.setUserAgentStylesheet(dev.amk.ui.common.AppTheme.theme(false, false).getUserAgentStylesheet());
			});
			save(Path.of(dir, "keys-found.png"));
			robot.interact(() -> javafx.application.Application.setUserAgentStylesheet(
					dev.amk.ui.common.AppTheme.theme(false, true).getUserAgentStylesheet()));
			save(Path.of(dir, "keys-found-dark.png"));
		} finally {
			robot.interact(() -> javafx.application.Application.setUserAgentStylesheet(null));
		}
	}

	private void save(Path file) throws Exception {
		org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
		var image = org.testfx.util.WaitForAsyncUtils.waitFor(org.testfx.util.WaitForAsyncUtils.asyncFx(() -> window.stage().getScene().snapshot(null)));
		javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
	}
}
