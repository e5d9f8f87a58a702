package dev.amk.ui.fxapp;

import dev.amk.providers.Providers;
import dev.amk.launcher.DesktopLauncher;
import dev.amk.oauth.OAuthConnector;
import dev.amk.ui.common.AppTheme;
import javafx.application.Application;
import dev.amk.providers.Providers;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.Teardown;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import mockwebserver3.MockWebServer;
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
	FakeAuthorizationServer github;
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
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		String base = upstream.url("/").toString();
		broker.addConnection("openai", "openai", base, "sk-screenshot-openai");
		broker.addConnection("anthropic", "anthropic", base, "sk-ant-screenshot");
		// GitHub is signed in with OAuth, against a stand-in for github.com whose API answers as octocat.
		github = FakeAuthorizationServer.start().registerClient("Iv1.8a61f9b3a7aba766", null);
		okhttp3.OkHttpClient followRedirects = new okhttp3.OkHttpClient();
		OAuthConnector atFake = new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(),
				url -> {
					Thread.ofVirtual().start(() -> {
						try (okhttp3.Response r = followRedirects.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
							r.body().string();
						} catch (IOException e) {
							throw new java.io.UncheckedIOException(e);
						}
					});
					return true;
				}, java.time.Clock.systemUTC(), OAuthConnector.DEFAULT_TIMEOUT,
				p -> Providers.oauthOf(p).at(github.authorizeUrl(), github.tokenUrl(), github.deviceAuthorizationUrl(), github.revokeUrl()));
		atFake.prepare(new OAuthConnector.Request("github", Providers.GITHUB, "Iv1.8a61f9b3a7aba766", null, null, null, null, null, null,
				github.apiBaseUrl(), false, true, false)).run(new OAuthConnector.Progress() {
		});
		broker.awaitRegistry(s -> s.connection("github") != null);
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
		// A browser that shows nothing: the Connect dialog's screenshot waits at the real github.com approval link.
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (t, m) -> { }, url -> true);
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
		Teardown.closeAll(app == null ? null : app::stop, broker, upstream, github);
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
			Application.setUserAgentStylesheet(AppTheme.theme(false, true).getUserAgentStylesheet());
			stage.getScene().getStylesheets().add(MainWindow.class.getResource("/dev/amk/ui/amk-dark.css").toExternalForm());
		});
		save(stage.getScene(), out.resolve("agents-dark.png"));
		robot.interact(() -> {
			Application.setUserAgentStylesheet(AppTheme.theme(false, false).getUserAgentStylesheet());
			stage.getScene().getStylesheets().removeIf(css -> css.endsWith("amk-dark.css"));
		});

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
		robot.clickOn("#key-done");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !key.getScene().getWindow().isShowing());

		// Connections: API keys and the OAuth sign-in with its account, scopes and lifetime.
		robot.interact(() -> tabs.getSelectionModel().select(tabs.getTabs().stream()
				.filter(t -> "tab-connections".equals(t.getId())).findFirst().orElseThrow()));
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#account-github").tryQuery()
				.map(n -> ((javafx.scene.control.Label) n).getText().equals("as octocat")).orElse(false));
		save(stage.getScene(), out.resolve("connections.png"));
		// The same connection after GitHub refused a refresh (marked as the broker's TokenManager marks it), selected.
		broker.broker.connections().markNeedsReconnect(broker.broker.registry().current().connection("github"),
				"The provider refused to refresh the sign-in (invalid_grant).");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !robot.lookup("#needs-reconnect-github").queryAll().isEmpty());
		robot.clickOn("#account-github");
		save(stage.getScene(), out.resolve("connections-needs-reconnect.png"));

		// Connect GitHub: the form, then the live sign-in waiting at github.com.
		robot.clickOn("#connect-github");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !robot.lookup("#oauth-client-id").queryAll().isEmpty());
		javafx.scene.control.TextField connectionName = robot.lookup("#oauth-name").queryAs(javafx.scene.control.TextField.class);
		robot.interact(() -> connectionName.setText("github-work"));
		robot.clickOn("#oauth-client-secret");
		save(connectionName.getScene(), out.resolve("connect-github-form.png"));
		robot.clickOn("#oauth-connect");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#oauth-link").tryQuery()
				.map(n -> ((javafx.scene.control.TextField) n).getText()).filter(t -> t != null && t.startsWith("https://github.com/")).isPresent());
		save(connectionName.getScene(), out.resolve("connect-github.png"));
		robot.clickOn("#oauth-cancel");
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#oauth-notice").tryQuery()
				.map(n -> !((javafx.scene.control.Label) n).getText().isEmpty()).orElse(false));
		robot.interact(() -> ((Stage) connectionName.getScene().getWindow()).close());
		assertTrue(Files.size(out.resolve("activity.png")) > 10_000);
	}

	static void save(Scene scene, Path file) throws IOException, java.util.concurrent.TimeoutException {
		WaitForAsyncUtils.waitForFxEvents();
		WritableImage image = WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null)));
		ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
	}
}
