package dev.amk.oauth;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SystemBrowserTest {
	static final String URL = "https://github.com/login/oauth/authorize?client_id=x&state=y";

	@Test
	@DisplayName("on macOS the URL goes to /usr/bin/open, never through AWT (which would give the CLI a Dock icon)")
	void macUsesOpen() {
		assertEquals(List.of("/usr/bin/open", URL), new SystemBrowser("Mac OS X").openerCommand(URL));
	}

	@Test
	@DisplayName("Linux uses xdg-open, Windows the URL handler")
	void otherOpeners() {
		assertEquals(List.of("xdg-open", URL), new SystemBrowser("Linux").openerCommand(URL));
		assertEquals(List.of("rundll32", "url.dll,FileProtocolHandler", URL), new SystemBrowser("Windows 11").openerCommand(URL));
	}

	@Test
	@DisplayName("only http(s) URLs are opened: a provider cannot make the opener run a file or an app link")
	void onlyWeb() {
		SystemBrowser mac = new SystemBrowser("Mac OS X");
		for (String url : List.of("file:///etc/passwd", "/Applications/Calculator.app", "x-apple.systempreferences:", "-a Terminal", "javascript:alert(1)")) {
			assertFalse(mac.open(url), url);
		}
	}
}
