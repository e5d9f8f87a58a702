package dev.amk.ui.fxapp;

import com.dustinredmond.fxtrayicon.FXTrayIcon;
import dev.amk.activity.ActivityTracker;
import dev.amk.connections.Provider;
import dev.amk.launcher.Broker;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.OAuthProfile;
import dev.amk.oauth.OAuthProviders;
import dev.amk.oauth.SystemBrowser;
import dev.amk.proxy.ConnectionTester;
import dev.amk.ui.connections.ConnectionsModel;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.login.LoginItem;
import dev.amk.settings.Settings;
import dev.amk.ui.notify.DeniedNotifier;
import dev.amk.ui.notify.ReconnectNotifier;
import dev.amk.ui.settings.SettingsView;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import java.nio.file.Path;
import dev.amk.ui.tray.TrayMenu;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The menu-bar app around a running broker: the UI's composition root. The broker starts first (it works
 * without any window); the FX toolkit comes up after it, the tray icon and the (hidden) main window with it.
 * Closing the window hides it; only Quit stops the broker.
 */
public final class DesktopApp {
	private final Broker broker;
	private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
	private final ActivityTracker activity;
	private final DeniedNotifier denied;
	private final ReconnectNotifier reconnect;
	private final ConnectionTester tester;
	private final Browser browser;
	private final OAuthConnector oauth;
	/** Read by the notifier on the audit thread, written by the settings view on the FX thread. */
	private final ObjectProperty<Settings> settings;
	private AgentsModel agents;
	private ConnectionsModel connections;
	private volatile MainWindow window;
	private volatile TrayMenu tray;

	/**
	 * @param notifier where denial notifications go; null for the tray's own (what the app uses), a
	 *                 recording one in tests
	 */
	public DesktopApp(Broker broker, DeniedNotifier.SystemNotifier notifier) {
		this(broker, notifier, null, OAuthProviders::of);
	}

	/**
	 * @param browser  where sign-in pages open; null for the person's browser (JavaFX's host services, then the
	 *                 system's opener), a test's stand-in otherwise
	 * @param profiles where each OAuth provider is; tests point them at a local authorization server
	 */
	public DesktopApp(Broker broker, DeniedNotifier.SystemNotifier notifier, Browser browser, Function<Provider, OAuthProfile> profiles) {
		this.broker = broker;
		this.activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 500)
				.start(broker.auditStore(), broker.auditLog());
		DeniedNotifier.SystemNotifier target = notifier != null ? notifier
				: (title, message) -> Platform.runLater(() -> {
					if (tray != null) {
						tray.notify(title, message);
					}
				});
		this.settings = new SimpleObjectProperty<>(Settings.load(broker.dataDir()));
		this.denied = new DeniedNotifier(broker.registry(), target, Clock.systemUTC(), () -> settings.get().notifyOnDenied());
		activity.addEventListener(denied::onEvents);
		// Always on, unlike denial notices: a dead sign-in breaks every agent using it, and only the person can fix it.
		this.reconnect = new ReconnectNotifier(target, () -> true);
		broker.registry().addListener(snapshot -> {
			reconnect.onSnapshot(snapshot);
			TrayMenu t = tray;
			if (t != null) {
				Platform.runLater(t::refreshState);
			}
		});
		reconnect.onSnapshot(broker.registry().current());
		this.tester = new ConnectionTester(broker.credentials());
		this.browser = browser != null ? browser : Browser.firstOf(new HostServicesBrowser(hostServices()), new SystemBrowser());
		this.oauth = new OAuthConnector(broker.connections(), broker.secrets(), broker.tokenEndpoint(), this.browser, Clock.systemUTC(),
				OAuthConnector.DEFAULT_TIMEOUT, profiles);
	}

	/**
	 * JavaFX hands out host services only through an {@link Application}, and this app starts the toolkit with
	 * {@link Platform#startup} instead of launching one; an instance that is never launched serves, since
	 * showDocument does not depend on the application's life cycle.
	 */
	private static javafx.application.HostServices hostServices() {
		return new Application() {
			@Override
			public void start(Stage stage) {
			}
		}.getHostServices();
	}

	/** Builds the UI; call on the FX thread. With no system tray (some Linux desktops) the window opens instead. */
	public void start(Stage stage, Runnable quit) {
		Platform.setImplicitExit(false); // the app lives in the menu bar, not in its window
		dev.amk.ui.common.AppTheme.followSystem();
		agents = new AgentsModel(broker.registry(), activity, broker.agents(), Clock.systemUTC(), background).start();
		agents.actions().setProxyPort(broker.port()); // the setup snippets name the port agents must use
		window = new MainWindow(stage, agents, activity, broker.port(), Clock.systemUTC(), ZoneId.systemDefault());
		connections = new ConnectionsModel(broker.registry(), broker.connections(), tester, oauth, browser, Clock.systemUTC(), background).start();
		window.addConnectionsTab(connections);
		LoginItem loginItem = LoginItem.forCurrentOs(Path.of(System.getProperty("user.home")), System.getenv());
		window.addTab("Settings", new SettingsView(broker.dataDir(), settings, loginItem, broker.port(), background), "tab-settings");
		background.execute(() -> keepLoginItemCurrent(loginItem));
		dev.amk.ui.doctor.KeysFoundTab.install(window, doctorModel(), dev.amk.doctor.Scanner.homeFrom(System.getenv()),
				broker.registry().current().connections().isEmpty());
		if (FXTrayIcon.isSupported()) {
			tray = new TrayMenu(stage, agents, broker.port(), window, denied::lastDenied, reconnect::needingReconnect, quit);
			tray.show();
		} else {
			stage.setOnCloseRequest(e -> quit.run());
			window.show();
		}
	}

	/** amk doctor's scan and fix for the app: the home the CLI would scan, checked through this app's own broker. */
	private dev.amk.ui.doctor.KeysFoundModel doctorModel() {
		var scanner = new dev.amk.doctor.Scanner(dev.amk.doctor.Scanner.homeFrom(System.getenv()), System.getProperty("os.name", ""));
		var fix = new dev.amk.doctor.DoctorFix(broker.connections(), broker.secrets(), broker.agents(), broker.dataDir(), Clock.systemUTC(),
				broker.port(), dev.amk.doctor.BrokerCheck.onPort(broker.port()));
		return new dev.amk.ui.doctor.KeysFoundModel(scanner, fix, background);
	}

	/** An installed app that starts at login starts this installation, even after it was moved or reinstalled elsewhere. */
	private static void keepLoginItemCurrent(LoginItem loginItem) {
		try {
			if (LoginItem.pointAtInstalledApp(loginItem, System.getProperty("jpackage.app-path"))) {
				System.getLogger(DesktopApp.class.getName()).log(System.Logger.Level.INFO, "Launch at login now starts " + LoginItem.relaunchCommand());
			}
		} catch (dev.amk.common.AmkException e) {
			System.getLogger(DesktopApp.class.getName()).log(System.Logger.Level.WARNING, e.getMessage());
		}
	}

	/** True once the tray icon (or, without a tray, the window) is on screen. */
	public boolean isShowing() {
		TrayMenu t = tray;
		return t != null ? t.isShowing() : window != null && window.stage().isShowing();
	}

	public boolean hasTray() {
		return tray != null;
	}

	public AgentsModel agents() {
		return agents;
	}

	public ConnectionsModel connections() {
		return connections;
	}

	public MainWindow window() {
		return window;
	}

	public ActivityTracker activity() {
		return activity;
	}

	public void stop() {
		background.shutdown();
		tester.close();
	}
}
