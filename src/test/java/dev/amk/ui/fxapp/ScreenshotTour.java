package dev.amk.ui.fxapp;

import dev.amk.testing.BrokerFixture;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders the README's screenshots of the window from a realistic, seeded broker. Not a test of behaviour:
 * tagged 'screenshots' (excluded from normal runs) and run by scripts/screenshots.sh, which passes the
 * output folder as -Damk.screenshots.dir.
 */
@Tag("screenshots")
@ExtendWith(ApplicationExtension.class)
class ScreenshotTour {
	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	DesktopApp app;
	Stage stage;

	@Start
	void start(Stage stage) throws Exception {
		this.stage = stage;
		upstream = new MockWebServer();
		// MockWebServer leaves Nagle on; its 40 ms delayed-ACK stalls would show as the broker's latency.
		upstream.setServerSocketFactory(new javax.net.ServerSocketFactory() {
			@Override
			public java.net.ServerSocket createServerSocket() throws IOException {
				return new java.net.ServerSocket() {
					@Override
					public java.net.Socket accept() throws IOException {
						java.net.Socket s = super.accept();
						s.setTcpNoDelay(true);
						return s;
					}
				};
			}

			@Override
			public java.net.ServerSocket createServerSocket(int port) throws IOException {
				throw new UnsupportedOperationException();
			}

			@Override
			public java.net.ServerSocket createServerSocket(int port, int backlog) throws IOException {
				throw new UnsupportedOperationException();
			}

			@Override
			public java.net.ServerSocket createServerSocket(int port, int backlog, java.net.InetAddress address) throws IOException {
				throw new UnsupportedOperationException();
			}
		});
		upstream.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().body("{}").build();
			}
		});
		upstream.start();
		broker = BrokerFixture.start(home);
		String base = upstream.url("/").toString();
		broker.addConnection("openai", "openai", base, "sk-screenshot-openai");
		broker.addConnection("anthropic", "anthropic", base, "sk-ant-screenshot");
		broker.addConnection("github", "github", base, "ghp_screenshot");
		String coder = broker.createAgent("coding-agent", "openai", "anthropic");
		String research = broker.createAgent("research-bot", "github:read");
		String triage = broker.createAgent("issue-triage", "github:GET,POST:/repos/acme/*/issues/**");
		broker.createAgent("old-script", "openai");
		broker.cli("agent", "revoke", "old-script");
		for (int i = 0; i < 7; i++) {
			call(coder, "POST", "/openai/v1/chat/completions");
		}
		call(coder, "POST", "/anthropic/v1/messages");
		for (int i = 0; i < 3; i++) {
			call(research, "GET", "/github/repos/acme/api/issues");
		}
		call(research, "DELETE", "/github/repos/acme/api");
		call(triage, "POST", "/github/repos/acme/api/issues/42/comments");
		app = new DesktopApp(broker.broker, (t, m) -> { });
		app.start(stage, () -> { });
		stage.show();
	}

	private void call(String key, String method, String path) {
		broker.send(HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key)
				.method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
						: HttpRequest.BodyPublishers.ofString("{}")).build());
	}

	@AfterEach
	void stop() throws Exception {
		app.stop();
		broker.close();
		upstream.close();
	}

	@Test
	void tour(FxRobot robot) throws Exception {
		String dir = System.getProperty("amk.screenshots.dir");
		org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "run through scripts/screenshots.sh");
		Path out = Path.of(dir);
		Files.createDirectories(out);
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> app.agents().rows().stream()
				.anyMatch(r -> r.requestsTodayProperty().get() >= 8));
		save(stage.getScene(), out.resolve("agents.png"));

		TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
		robot.interact(() -> tabs.getSelectionModel().select(tabs.getTabs().stream()
				.filter(t -> "tab-activity".equals(t.getId())).findFirst().orElseThrow()));
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> app.window().activityView().table().getItems().size() >= 12);
		save(stage.getScene(), out.resolve("activity.png"));

		robot.interact(() -> {
			tabs.getSelectionModel().selectFirst();
			stage.getScene().getStylesheets().add(MainWindow.class.getResource("/dev/amk/ui/amk-dark.css").toExternalForm());
		});
		save(stage.getScene(), out.resolve("agents-dark.png"));
		robot.interact(() -> stage.getScene().getStylesheets().removeIf(css -> css.endsWith("amk-dark.css")));

		// The New agent flow: the form, then the result screen with the key shown once and the setup blocks.
		robot.clickOn("#new-agent");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !robot.lookup("#agent-name").queryAll().isEmpty());
		javafx.scene.control.TextField name = robot.lookup("#agent-name").queryAs(javafx.scene.control.TextField.class);
		robot.clickOn(name).write("claude-code");
		robot.clickOn("#grant-anthropic");
		save(name.getScene(), out.resolve("new-agent.png"));
		robot.clickOn("#editor-save");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !robot.lookup("#agent-key").queryAll().isEmpty());
		javafx.scene.control.TextField key = robot.lookup("#agent-key").queryAs(javafx.scene.control.TextField.class);
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> key.getText().startsWith("amk_"));
		save(key.getScene(), out.resolve("new-agent-key.png"));
		assertTrue(Files.size(out.resolve("activity.png")) > 10_000);
	}

	static void save(Scene scene, Path file) throws IOException, java.util.concurrent.TimeoutException {
		WaitForAsyncUtils.waitForFxEvents();
		WritableImage image = WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null)));
		ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
	}
}
