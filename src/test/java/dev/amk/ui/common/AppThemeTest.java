package dev.amk.ui.common;

import atlantafx.base.theme.CupertinoDark;
import atlantafx.base.theme.CupertinoLight;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The AtlantaFX theme for the platform and the system's appearance. */
@ExtendWith(ApplicationExtension.class)
class AppThemeTest {
	@Start
	void start(Stage stage) {
	}

	@AfterEach
	void modena(FxRobot robot) {
		robot.interact(() -> Application.setUserAgentStylesheet(null));
	}

	@Test
	@DisplayName("Cupertino on macOS, Primer elsewhere, light and dark")
	void themes() {
		assertEquals(new CupertinoLight().getUserAgentStylesheet(), AppTheme.theme(true, false).getUserAgentStylesheet());
		assertEquals(new CupertinoDark().getUserAgentStylesheet(), AppTheme.theme(true, true).getUserAgentStylesheet());
		assertEquals(new PrimerLight().getUserAgentStylesheet(), AppTheme.theme(false, false).getUserAgentStylesheet());
		assertEquals(new PrimerDark().getUserAgentStylesheet(), AppTheme.theme(false, true).getUserAgentStylesheet());
	}

	@Test
	@DisplayName("the app's style sheet follows the system's colour scheme")
	void followsSystem(FxRobot robot) throws Exception {
		robot.interact(AppTheme::followSystem);
		boolean dark = org.testfx.util.WaitForAsyncUtils.asyncFx(() -> Platform.getPreferences().getColorScheme() == ColorScheme.DARK).get();
		boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
		assertEquals(AppTheme.theme(mac, dark).getUserAgentStylesheet(), Application.getUserAgentStylesheet());
	}
}
