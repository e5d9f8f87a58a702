package dev.amk.launcher;

import dev.amk.broker.Broker;
import dev.amk.broker.Services;
import dev.amk.doctor.BrokerCheck;
import dev.amk.cli.DesktopStarter;

import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.OAuthProfile;
import dev.amk.ui.fxapp.DesktopApp;
import dev.amk.ui.fxapp.DesktopServices;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.awt.GraphicsEnvironment;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Starts the menu-bar app beside the broker {@code amk app} runs, on the JavaFX toolkit, and hands it only the
 * services it uses.
 */
public final class DesktopLauncher implements DesktopStarter {
	@Override
	public boolean canShow() {
		return displayAvailable();
	}

	@Override
	public Optional<Shown> start(Broker broker) {
		if (!displayAvailable()) {
			return Optional.empty();
		}
		DesktopApp app = new DesktopApp(services(broker), null);
		Platform.startup(() -> app.start(new Stage(), () -> {
			app.stop();
			Platform.exit();
			System.exit(0); // the shutdown hook stops the broker cleanly and flushes the audit log
		}));
		return Optional.of(new Shown() {
			@Override
			public boolean isShowing() {
				return app.isShowing();
			}

			@Override
			public boolean hasTray() {
				return app.hasTray();
			}
		});
	}

	/** What the app uses of {@code broker}, signing in at each provider's real endpoints. */
	public static DesktopServices services(Broker broker) {
		Services services = broker.services();
		return narrowed(broker, browser -> services.oauthConnector(browser, OAuthConnector.DEFAULT_TIMEOUT));
	}

	/** As {@link #services(Broker)}, with each OAuth provider's endpoints from {@code profiles}: tests use a local server. */
	public static DesktopServices services(Broker broker, Function<ProviderSpec, OAuthProfile> profiles) {
		Services services = broker.services();
		return narrowed(broker, browser -> services.oauthConnector(browser, OAuthConnector.DEFAULT_TIMEOUT, profiles));
	}

	private static DesktopServices narrowed(Broker broker, Function<Browser, OAuthConnector> signIns) {
		Services s = broker.services();
		return new DesktopServices(broker.port(), s.dataDir(), s.clock(), s.accessRegistry(), s.activity(), s.agents(), s.connections(),
				s.connectionTester(), signIns, s.localCa(),
				s.doctorFix(broker.port(), BrokerCheck.onPort(broker.port())), broker::readSecrets, s.approvals(), s.agentControls().ledger(),
				s.personPresence(), s.mcpToolLister(), s.mcpSetup(), browser -> s.mcpAuthorization(browser, OAuthConnector.DEFAULT_TIMEOUT),
				dev.amk.cloud.AwsProfiles.credentialsFile(System.getenv(), java.nio.file.Path.of(System.getProperty("user.home"))));
	}

	private static boolean displayAvailable() {
		if (GraphicsEnvironment.isHeadless()) {
			return false;
		}
		boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
		return !linux || System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
	}
}
