package dev.amk.oauth;

import java.util.Arrays;
import java.util.List;

/** Shows a page in the person's own browser, where their sessions and password manager are. */
@FunctionalInterface
public interface Browser {
	/** Never a browser: {@code --no-browser}, and the tests that open pages themselves. */
	Browser NONE = url -> false;

	/** Asks the system to show {@code url}; false when nothing could be asked (the caller then prints the URL). */
	boolean open(String url);

	/** The first opener that manages wins (the app: HostServices, then java.awt.Desktop, then the platform's opener). */
	static Browser firstOf(Browser... openers) {
		List<Browser> all = Arrays.asList(openers);
		return url -> all.stream().anyMatch(b -> b.open(url));
	}
}
