package dev.amk.ui.agents;

import dev.amk.ca.LocalCa;
import dev.amk.secrets.InMemorySecretStore;
import javafx.scene.Scene;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Run a tool with this agent", headless: the amk run line and the proxy-mode environment with the CA's real paths. */
@ExtendWith(ApplicationExtension.class)
class RunToolPaneTest {
	@TempDir
	Path dir;

	Stage stage;
	RunToolPane pane;
	LocalCa ca;

	@Start
	void start(Stage stage) {
		this.stage = stage;
	}

	private void show(FxRobot robot, String agent) {
		robot.interact(() -> {
			ca = new LocalCa(dir, new InMemorySecretStore(), Clock.systemUTC());
			pane = new RunToolPane(9323, ca);
			pane.show(agent);
			stage.setScene(new Scene(pane, 720, 420));
			stage.show();
		});
	}

	@Test
	@DisplayName("for the selected agent: the amk run line, and every proxy and CA variable with the placeholder key and the CA's paths")
	void linesForAgent(FxRobot robot) {
		show(robot, "research-bot");
		assertEquals("amk run research-bot -- YOUR_COMMAND", find(robot, "#run-line", TextField.class).getText());
		List<String> env = find(robot, "#run-environment", TextArea.class).getText().lines().toList();
		String proxy = "'http://research-bot:<agent key>@127.0.0.1:9323'";
		for (String name : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
			assertTrue(env.contains("export " + name + "=" + proxy), env.toString());
		}
		assertTrue(env.contains("export NO_PROXY='localhost,127.0.0.1,::1'"), env.toString());
		assertTrue(env.contains("export NODE_EXTRA_CA_CERTS='" + ca.certificatePath() + "'"), env.toString());
		for (String name : List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "AWS_CA_BUNDLE")) {
			assertTrue(env.contains("export " + name + "='" + ca.bundlePath() + "'"), env.toString());
		}
		assertFalse(String.join("\n", env).contains("amk_"), "no key is ever shown");

		robot.clickOn("#run-line-copy");
		waitUntil("the line is on the clipboard", () -> "amk run research-bot -- YOUR_COMMAND".equals(clipboard(robot)));
	}

	@Test
	@DisplayName("no agent selected: nothing shown; selecting another agent changes every line")
	void followsSelection(FxRobot robot) {
		show(robot, null);
		assertFalse(showing(robot, "#run-line"));
		robot.interact(() -> pane.show("ci-runner"));
		assertTrue(showing(robot, "#run-line"));
		assertEquals("amk run ci-runner -- YOUR_COMMAND", find(robot, "#run-line", TextField.class).getText());
		assertTrue(find(robot, "#run-environment", TextArea.class).getText().contains("http://ci-runner:<agent key>@127.0.0.1:9323"));
	}

	private static String clipboard(FxRobot robot) {
		String[] text = new String[1];
		robot.interact(() -> text[0] = Clipboard.getSystemClipboard().getString());
		return text[0];
	}
}
