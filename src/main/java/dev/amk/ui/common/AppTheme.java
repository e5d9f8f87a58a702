package dev.amk.ui.common;

import atlantafx.base.theme.CupertinoDark;
import atlantafx.base.theme.CupertinoLight;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Theme;
import javafx.application.Application;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.beans.value.ObservableValue;

import java.util.Locale;

/**
 * The app's look: AtlantaFX's Cupertino themes on macOS (they match the system's controls there) and its Primer
 * themes elsewhere, light or dark with the system and switching live when the person changes it.
 * {@code -Damk.appearance=dark} or {@code light} overrides the system, as it does for the app's own style sheets.
 */
public final class AppTheme {
	private AppTheme() {
	}

	/** Call once, on the FX thread, before the first window is shown. */
	public static void followSystem() {
		boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
		dark().subscribe(dark -> Application.setUserAgentStylesheet(theme(mac, dark).getUserAgentStylesheet()));
	}

	/**
	 * Whether the app is dark now: the system's appearance, live, unless {@code -Damk.appearance} forces one. The theme
	 * and the app's own dark style sheet both follow this one value, so they never disagree. FX thread only.
	 */
	public static ObservableValue<Boolean> dark() {
		String forced = System.getProperty("amk.appearance", "system");
		return Platform.getPreferences().colorSchemeProperty()
				.map(scheme -> forced.equals("dark") || forced.equals("system") && scheme == ColorScheme.DARK);
	}

	/** The theme for a platform and appearance; the screenshots render each. */
	public static Theme theme(boolean mac, boolean dark) {
		if (mac) {
			return dark ? new CupertinoDark() : new CupertinoLight();
		}
		return dark ? new PrimerDark() : new PrimerLight();
	}
}
