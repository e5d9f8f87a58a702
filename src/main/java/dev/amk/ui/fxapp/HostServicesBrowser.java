package dev.amk.ui.fxapp;

import dev.amk.oauth.Browser;
import javafx.application.HostServices;

import java.net.URI;

/**
 * The app's first way to show a page: JavaFX's {@link HostServices#showDocument}, which hands the URL to the
 * platform's default browser. Only http(s) URLs are passed on, as in {@link dev.amk.oauth.SystemBrowser}, so a
 * page address sent by a provider can never open a local file.
 */
final class HostServicesBrowser implements Browser {
	private final HostServices host;

	HostServicesBrowser(HostServices host) {
		this.host = host;
	}

	@Override
	public boolean open(String url) {
		try {
			String scheme = URI.create(url).getScheme();
			if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
				return false;
			}
			host.showDocument(url);
			return true;
		} catch (RuntimeException e) { // a toolkit without host services: the next opener tries
			return false;
		}
	}
}
