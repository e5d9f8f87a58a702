package dev.amk.ui.fxapp;

import com.dustinredmond.fxtrayicon.FXTrayIcon;
import dev.amk.ca.OsTrust;
import dev.amk.common.AmkException;
import dev.amk.doctor.Scanner;
import dev.amk.login.LoginItem;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.SystemBrowser;
import dev.amk.settings.Settings;
import dev.amk.ui.agents.AgentsModel;
import dev.amk.ui.approvals.ApprovalPrompter;
import dev.amk.ui.common.AppTheme;
import dev.amk.ui.connections.ConnectionsModel;
import dev.amk.ui.doctor.KeysFoundModel;
import dev.amk.ui.notify.DeniedNotifier;
import dev.amk.ui.notify.ReconnectNotifier;
import dev.amk.ui.settings.CaSection;
import dev.amk.ui.settings.SettingsView;
import dev.amk.ui.tray.TrayMenu;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The menu-bar app around a running broker. The broker starts first (it works without any window); the FX
 * toolkit comes up after it, the tray icon and the (hidden) main window with it. Closing the window hides it;
 * only Quit stops the broker.
 */
public final class DesktopApp {
	private final DesktopServices services;
	private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
	private final DeniedNotifier denied;
	private final ReconnectNotifier reconnect;
	private final Browser browser;
	private final OAuthConnector oauth;
	/** Read by the notifier on the audit thread, written by the settings view on the FX thread. */
	private final ObjectProperty<Settings> settings;
	private AgentsModel agents;
	private ConnectionsModel connections;
	private volatile MainWindow window;
	private volatile TrayMenu tray;
	/** The app as the one answerer of held requests; null until the UI is up. */
	private ApprovalPrompter approvalPrompter;
	/** System notifications (the tray's, or a test's recorder). */
	private final DeniedNotifier.SystemNotifier notices;

	/**
	 * @param notifier where denial notifications go; null for the tray's own (what the app uses), a
	 *                 recording one in tests
	 */
	public DesktopApp(DesktopServices services, DeniedNotifier.SystemNotifier notifier) {
		this(services, notifier, null);
	}

	/**
	 * @param browser where sign-in pages open; null for the person's browser (JavaFX's host services, then the
	 *                system's opener), a test's stand-in otherwise
	 */
	public DesktopApp(DesktopServices services, DeniedNotifier.SystemNotifier notifier, Browser browser) {
		this.services = services;
		DeniedNotifier.SystemNotifier target = notifier != null ? notifier
				: (title, message) -> Platform.runLater(() -> {
					if (tray != null) {
						tray.notify(title, message);
					}
				});
		this.notices = target;
		this.settings = new SimpleObjectProperty<>(Settings.load(services.dataDir()));
		this.denied = new DeniedNotifier(services.registry(), target, services.clock(), () -> settings.get().notifyOnDenied());
		services.activity().addEventListener(denied::onEvents);
		denied.onDecoy(name -> Platform.runLater(() -> DecoyAlert.show(name, agents)));
		// Always on, unlike denial notices: a dead sign-in breaks every agent using it, and only the person can fix it.
		this.reconnect = new ReconnectNotifier(target, () -> true);
		services.registry().addListener(snapshot -> {
			reconnect.onSnapshot(snapshot);
			TrayMenu t = tray;
			if (t != null) {
				Platform.runLater(t::refreshState);
			}
		});
		reconnect.onSnapshot(services.registry().current());
		this.browser = browser != null ? browser : Browser.firstOf(new HostServicesBrowser(hostServices()), new SystemBrowser());
		this.oauth = services.signIns().apply(this.browser);
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
		AppTheme.followSystem();
		int port = services.proxyPort();
		agents = new AgentsModel(services.registry(), services.activity(), services.agents(), services.clock(), background, services.usage()).start();
		agents.actions().setProxyPort(port); // the setup snippets name the port agents must use
		agents.actions().setMcp(services.mcpTools(), services.mcpSetup());
		window = new MainWindow(stage, agents, services.activity(), port, services.clock(), ZoneId.systemDefault());
		window.agentsView().showRunHelp(new dev.amk.ui.agents.RunToolPane(port, services.localCa()));
		connections = new ConnectionsModel(services.registry(), services.connections(), services.tester(), oauth,
				services.mcpSignIns().apply(browser), services.awsCredentialsFile(), browser, services.clock(), background).start();
		window.addConnectionsTab(connections);
		LoginItem loginItem = LoginItem.forCurrentOs(Path.of(System.getProperty("user.home")), System.getenv());
		window.addTab("Settings", new SettingsView(services.dataDir(), settings, loginItem, port, background)
				.withSection(new CaSection(services.localCa(), OsTrust.forCurrentOs(), background)), "tab-settings");
		background.execute(() -> keepLoginItemCurrent(loginItem));
		KeysFoundTab.install(window, doctorModel(), Scanner.homeFrom(System.getenv()), services.registry().current().connections().isEmpty());
		if (FXTrayIcon.isSupported()) {
			tray = new TrayMenu(stage, agents, port, window::show, denied::lastDenied, reconnect::needingReconnect, quit);
			tray.show();
		} else {
			stage.setOnCloseRequest(e -> quit.run());
			window.show();
		}
		background.execute(this::readSecrets);
		approvalPrompter = new ApprovalPrompter(services.approvals(), notices, services.presence(), background).attach();
	}

	/**
	 * Reads every connection's secret once the app is on screen, off the FX thread: on macOS each item may raise a
	 * Keychain prompt that waits for the person. What cannot be read is one notice and a log line each; the broker
	 * keeps serving every other connection, and the app never quits over it. (Sign-ins to renew have their own
	 * notice, from ReconnectNotifier.)
	 */
	private void readSecrets() {
		java.util.List<String> warnings;
		try {
			warnings = services.readSecrets().get();
		} catch (dev.amk.common.AmkException e) {
			warnings = java.util.List.of(e.getMessage());
		}
		System.Logger log = System.getLogger(DesktopApp.class.getName());
		warnings.forEach(w -> log.log(System.Logger.Level.WARNING, w));
		if (!warnings.isEmpty()) {
			notices.notify(warnings.size() == 1 ? "A connection cannot be used yet" : warnings.size() + " connections cannot be used yet",
					String.join("\n", warnings));
		}
	}

	/** amk doctor's scan and fix for the app: the home the CLI would scan, checked through this app's own broker. */
	private KeysFoundModel doctorModel() {
		return new KeysFoundModel(new Scanner(Scanner.homeFrom(System.getenv()), System.getProperty("os.name", "")), services.doctorFix(), background);
	}

	/** An installed app that starts at login starts this installation, even after it was moved or reinstalled elsewhere. */
	private static void keepLoginItemCurrent(LoginItem loginItem) {
		try {
			if (LoginItem.pointAtInstalledApp(loginItem, System.getProperty("jpackage.app-path"))) {
				System.getLogger(DesktopApp.class.getName()).log(System.Logger.Level.INFO, "Launch at login now starts " + LoginItem.relaunchCommand());
			}
		} catch (AmkException e) {
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

	public void stop() {
		if (approvalPrompter != null) {
			approvalPrompter.detach(); // whatever still waits for an answer is refused: nobody is left to give one
		}
		background.shutdown();
	}
}
