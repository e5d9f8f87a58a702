package dev.amk.ui.tray;

import dev.amk.launcher.DesktopLauncher;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import dev.amk.ui.fxapp.DesktopApp;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.awt.GraphicsEnvironment;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real system tray: under Xvfb with the trayer panel on Linux (scripts/test.sh starts both), the menu
 * bar on macOS. Run by the 'tray' Maven profile; when the test script asks for it (AMK_REQUIRE_TRAY=1) a
 * missing tray fails the run instead of skipping it.
 */
@Tag("tray")
@ExtendWith(ApplicationExtension.class)
class TrayMenuTest {
	@TempDir
	Path home;

	BrokerFixture broker;
	DesktopApp app;

	static boolean trayAvailable() {
		boolean available = !GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
		if (!available && "1".equals(System.getenv("AMK_REQUIRE_TRAY"))) {
			throw new IllegalStateException("AMK_REQUIRE_TRAY=1 but there is no system tray: run through scripts/test.sh");
		}
		return available;
	}

	@Start
	void start(Stage stage) {
		org.junit.jupiter.api.Assumptions.assumeTrue(trayAvailable(), "no system tray here");
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", "https://api.openai.com", "sk-tray-test-secret");
		broker.createAgent("coder", "openai");
		broker.createAgent("reviewer", "openai:read");
		app = new DesktopApp(DesktopLauncher.services(broker.broker), (t, m) -> { });
		app.start(stage, () -> { });
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(app == null ? null : app::stop, broker);
	}

	private static List<String> labels(PopupMenu menu) {
		List<String> labels = new ArrayList<>();
		for (int i = 0; i < menu.getItemCount(); i++) {
			MenuItem item = menu.getItem(i);
			labels.add(item.getLabel());
		}
		return labels;
	}

	@Test
	@DisplayName("the icon is shown in the tray and its menu lists the agents, the status and the actions")
	void iconAndMenu() throws Exception {
		WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> SystemTray.getSystemTray().getTrayIcons().length == 1);
		TrayIcon icon = SystemTray.getSystemTray().getTrayIcons()[0];
		WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> labels(icon.getPopupMenu()).contains("reviewer"));

		List<String> labels = labels(icon.getPopupMenu());
		assertTrue(labels.contains("Proxy on 127.0.0.1:" + broker.port() + " · 2 of 2 agents active"), labels.toString());
		assertTrue(labels.containsAll(List.of("coder", "reviewer", "Pause all agents", "Open Agent Master Key…", "Quit")), labels.toString());
		assertEquals("Agent Master Key", icon.getToolTip());

		assertEquals(0, broker.cli("agent", "create", "newcomer", "--grant", "openai").exit());
		WaitForAsyncUtils.waitFor(2, TimeUnit.SECONDS, () -> labels(icon.getPopupMenu()).contains("newcomer"));

		// An amk run's key: right under its agent, marked as a run's; once revoked it cannot be ticked again.
		String child = broker.broker.agents().createChild("coder", null, java.time.Duration.ofMinutes(5), null).agent().name();
		String runLabel = "    ↳ " + child + " (amk run)";
		WaitForAsyncUtils.waitFor(2, TimeUnit.SECONDS, () -> labels(icon.getPopupMenu()).contains(runLabel));
		List<String> withRun = labels(icon.getPopupMenu());
		assertEquals(withRun.indexOf("coder") + 1, withRun.indexOf(runLabel), withRun.toString());
		assertEquals(0, broker.cli("agent", "revoke", child).exit());
		WaitForAsyncUtils.waitFor(2, TimeUnit.SECONDS, () -> item(icon.getPopupMenu(), runLabel) instanceof java.awt.CheckboxMenuItem c
				&& !c.getState() && !c.isEnabled());
	}

	private static MenuItem item(PopupMenu menu, String label) {
		for (int i = 0; i < menu.getItemCount(); i++) {
			if (label.equals(menu.getItem(i).getLabel())) {
				return menu.getItem(i);
			}
		}
		return null;
	}
}
