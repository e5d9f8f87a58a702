package dev.amk.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real browser for the sign-in step: Debian's Chromium, headless, with a fresh profile each time. It loads
 * the page the app would open, follows the authorization server's redirect to the loopback listener like any
 * browser, and hands back the final page's DOM.
 *
 * <p>The flags keep it off the network it would otherwise call at start (this machine's network is closed, and
 * those connections fail slowly); {@code --no-sandbox} because CI runs as root.
 */
public final class HeadlessChromium {
	private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

	private HeadlessChromium() {
	}

	public static boolean available() {
		return Files.isExecutable(EXECUTABLE);
	}

	/** Skips without Chromium; fails instead when the test script demands it ({@code AMK_REQUIRE_BROWSER=1}). */
	public static void require() {
		if (!available() && "1".equals(System.getenv("AMK_REQUIRE_BROWSER"))) {
			throw new IllegalStateException("AMK_REQUIRE_BROWSER=1 but " + EXECUTABLE + " is missing: run the tests through scripts/test.sh");
		}
		Assumptions.assumeTrue(available(), "no Chromium here; scripts/test.sh installs it");
	}

	/** Loads {@code url}, follows its redirects, and returns the DOM of the page it ends on. */
	public static String dumpDom(String url) {
		Path profile = null;
		try {
			profile = Files.createTempDirectory("amk-chromium-");
			Process p = new ProcessBuilder(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
					"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--user-data-dir=" + profile, "--dump-dom", url))
					.redirectError(ProcessBuilder.Redirect.DISCARD)
					.start();
			CompletableFuture<String> dom = CompletableFuture.supplyAsync(() -> {
				try {
					return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				} catch (IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			});
			if (!p.waitFor(60, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new AssertionError("Chromium did not finish loading " + url + " within 60 s");
			}
			return dom.get(5, TimeUnit.SECONDS);
		} catch (Exception e) {
			throw new AssertionError("Chromium failed on " + url, e);
		} finally {
			if (profile != null) {
				deleteTree(profile);
			}
		}
	}

	private static void deleteTree(Path dir) {
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (IOException ignored) {
			// a temp folder left behind is harmless
		}
	}
}
