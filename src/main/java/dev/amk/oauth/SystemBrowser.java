package dev.amk.oauth;

import java.awt.Desktop;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Opens a URL without JavaFX. On macOS always with {@code open}: {@link Desktop#browse} would start AWT in a CLI
 * process ({@code amk connection connect}), which turns it into an application with a Dock icon for as long as
 * it runs. Elsewhere {@link Desktop#browse} where AWT supports it, else the platform's own opener
 * ({@code xdg-open} on Linux, the URL handler on Windows). Only http(s) URLs are passed on, so nothing a provider
 * sent can make the opener run a local file.
 */
public final class SystemBrowser implements Browser {
	private final boolean mac;
	private final boolean windows;

	public SystemBrowser() {
		this(System.getProperty("os.name", ""));
	}

	SystemBrowser(String osName) {
		String os = osName.toLowerCase(Locale.ROOT);
		this.mac = os.startsWith("mac");
		this.windows = os.contains("win");
	}

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
		return (!mac && viaDesktop(uri)) || viaPlatformOpener(url);
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

	/** The platform's opener for an http(s) URL (which never starts with '-', so no opener reads it as an option). */
	List<String> openerCommand(String url) {
		return mac ? List.of("/usr/bin/open", url)
				: windows ? List.of("rundll32", "url.dll,FileProtocolHandler", url)
				: List.of("xdg-open", url);
	}

	private boolean viaPlatformOpener(String url) {
		try {
			Process p = new ProcessBuilder(openerCommand(url)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
			// open and xdg-open return at once when a browser takes the URL; a non-zero exit means nobody did.
			return !p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() == 0;
		} catch (IOException e) {
			return false;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}
}
