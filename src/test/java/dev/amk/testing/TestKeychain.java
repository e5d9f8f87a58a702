package dev.amk.testing;

import dev.amk.common.AmkException;
import dev.amk.secrets.KeyringSecretStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The real OS keychain for the tests that are about it ({@link NeedsKeychain}): GNOME Keyring in the private
 * session bus that scripts/test.sh starts on Linux, the login Keychain on macOS. Each test class files its
 * items under its own service name. Every other test uses {@code dev.amk.secrets.InMemorySecretStore}.
 *
 * <p>When the test script demands the keyring ({@code AMK_REQUIRE_KEYRING=1}) a missing one fails the
 * run instead of skipping, so that CI can never go green without having exercised it.
 */
public final class TestKeychain {
	private static final String REQUIRE_VARIABLE = "AMK_REQUIRE_KEYRING";

	private TestKeychain() {
	}

	/** Asked once per test JVM, and only when a test needs the keychain: a locked keyring may take seconds to say no. */
	private static final class Probe {
		static final String PROBLEM = probe();
	}

	/** Skips (or, with {@code AMK_REQUIRE_KEYRING=1}, fails) when no real keychain is reachable. */
	public static void require() {
		if (Probe.PROBLEM != null && "1".equals(System.getenv(REQUIRE_VARIABLE))) {
			throw new IllegalStateException(REQUIRE_VARIABLE + "=1 but no OS keychain is reachable (" + Probe.PROBLEM
					+ "): run the tests through scripts/test.sh, or scripts/with-keyring.sh on Linux");
		}
		Assumptions.assumeTrue(Probe.PROBLEM == null, () -> "no OS keychain here (" + Probe.PROBLEM
				+ "); scripts/test.sh runs these tests against a real one");
	}

	public static String uniqueService() {
		return "Agent Master Key test " + UUID.randomUUID();
	}

	public static KeyringSecretStore open(String service) {
		return new KeyringSecretStore(service, Duration.ofSeconds(20));
	}

	/**
	 * Null when a keychain stores, returns and deletes an item, else why not. Reading alone proves too little: a
	 * Secret Service that D-Bus starts on demand, with no unlocked default collection, answers "no such item" to
	 * every read and fails every write.
	 */
	private static String probe() {
		boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
		if (!mac && System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
			return "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set";
		}
		String ref = "probe/" + UUID.randomUUID();
		try (KeyringSecretStore keychain = new KeyringSecretStore(uniqueService(), Duration.ofSeconds(10))) {
			keychain.put(ref, "probe");
			try {
				return "probe".equals(keychain.get(ref)) ? null : "the keychain returned another secret than the one stored";
			} finally {
				keychain.delete(ref);
			}
		} catch (AmkException e) {
			return e.type() + ": " + e.getMessage();
		}
	}

	/**
	 * Runs {@link #require()} before each test of a {@link NeedsKeychain} class or method, ahead of its own set-up.
	 * Per test rather than once per class: the reports then count each of them as skipped, not silently as none.
	 */
	static final class Gate implements BeforeEachCallback {
		@Override
		public void beforeEach(ExtensionContext context) {
			require();
		}
	}
}
