package dev.amk.testing;

import dev.amk.secrets.KeyringSecretStore;
import org.junit.jupiter.api.Assumptions;

import java.time.Duration;
import java.util.UUID;

/**
 * The real OS keychain for tests: GNOME Keyring in the private session bus that scripts/test.sh starts
 * on Linux, the login Keychain on macOS. Each test class files its items under its own service name.
 *
 * <p>When the test script demands the keyring ({@code AMK_REQUIRE_KEYRING=1}) a missing one fails the
 * run instead of skipping, so that CI can never go green without having exercised it.
 */
public final class TestKeychain {
	private TestKeychain() {
	}

	public static boolean available() {
		boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
		return mac || System.getenv("DBUS_SESSION_BUS_ADDRESS") != null;
	}

	/** Skips (or, under scripts/test.sh, fails) when no real keychain is reachable. */
	public static void require() {
		if (!available() && "1".equals(System.getenv("AMK_REQUIRE_KEYRING"))) {
			throw new IllegalStateException("AMK_REQUIRE_KEYRING=1 but no D-Bus session bus is set: run the tests through scripts/test.sh");
		}
		Assumptions.assumeTrue(available(), "no OS keychain here; run the tests through scripts/test.sh");
	}

	public static String uniqueService() {
		return "Agent Master Key test " + UUID.randomUUID();
	}

	public static KeyringSecretStore open(String service) {
		return new KeyringSecretStore(service, Duration.ofSeconds(20));
	}
}
