package dev.amk.oauth;

import java.awt.Desktop;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Opens a URL without JavaFX: {@link Desktop#browse} where AWT supports it, else the platform's own opener
 * ({@code open} on macOS, {@code xdg-open} on Linux, the URL handler on Windows). Only http(s) URLs are
 * passed on, so nothing a provider sent can make the opener run a local file.
 */
public final class SystemBrowser implements Browser {
	@Override
	public boolean open(String url) {
		URI uri;
		try {
			uri = URI.create(url);
		} catch (IllegalArgumentException e) {
			return false;
		}
		if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
			return false;
		}
		return viaDesktop(uri) || viaPlatformOpener(url);
	}

	private static boolean viaDesktop(URI uri) {
		try {
			if (!java.awt.GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
					&& Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
				Desktop.getDesktop().browse(uri);
				return true;
			}
		} catch (IOException | UnsupportedOperationException | SecurityException e) {
			// fall through to the platform's opener
		}
		return false;
	}

	private static boolean viaPlatformOpener(String url) {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		List<String> command = os.contains("mac") ? List.of("open", url)
				: os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url)
				: List.of("xdg-open", url);
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
			// xdg-open returns at once when a browser takes the URL; a non-zero exit means nobody did.
			return !p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() == 0;
		} catch (IOException e) {
			return false;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
