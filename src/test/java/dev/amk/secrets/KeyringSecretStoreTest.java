package dev.amk.secrets;

import dev.amk.common.AmkException;
import dev.amk.testing.NeedsKeychain;
import dev.amk.testing.TestKeychain;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real OS keychain: GNOME Keyring over the Secret Service in CI, the login Keychain on a Mac. It passes the
 * same {@link SecretStoreContract} as the end-to-end tests' in-memory stand-in, plus what only a keychain does.
 */
@NeedsKeychain
class KeyringSecretStoreTest extends SecretStoreContract<KeyringSecretStore> {
	@Override
	protected KeyringSecretStore open() {
		return TestKeychain.open(TestKeychain.uniqueService());
	}

	@Test
	@DisplayName("secrets are separate per service name (AMK_KEYCHAIN_SERVICE)")
	void isolation() {
		String a = ref();
		store.put(a, "secret-a");
		try (KeyringSecretStore other = TestKeychain.open(TestKeychain.uniqueService())) {
			assertEquals("secret_missing", assertThrows(AmkException.class, () -> other.get(a)).type());
		}
		assertEquals("secret-a", store.get(a));
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	@DisplayName("names the backend")
	void description() {
		assertEquals("Secret Service (GNOME Keyring)", store.description());
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	@EnabledIfEnvironmentVariable(named = "AMK_TEST_KEYRING", matches = "gnome-keyring") // the test keyring tools are installed
	@DisplayName("a locked keychain gives a clear error that says to unlock it, and stores nothing")
	void lockedKeychain(@TempDir Path home) throws Exception {
		// A keyring of its own (a second private session bus), locked before the CLI runs: the shared test
		// keyring stays unlocked for every other test.
		String secret = "sk-proj-LOCKED-" + UUID.randomUUID();
		List<String> inner = new ArrayList<>(List.of(Path.of("scripts/with-keyring.sh").toAbsolutePath().toString(), "sh", "-c",
				"dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets"
						+ " org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null && exec \"$@\"",
				"sh"));
		inner.addAll(javaCommand("connection", "add", "openai", "--provider", "openai"));
		ProcessBuilder pb = new ProcessBuilder(inner);
		pb.environment().remove("AMK_KEYRING_INNER");
		pb.environment().put("AMK_HOME", home.toString());
		Process p = pb.start();
		p.getOutputStream().write((secret + "\n").getBytes(StandardCharsets.UTF_8));
		p.getOutputStream().close();
		String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(60, TimeUnit.SECONDS));

		assertEquals(1, p.exitValue(), stderr);
		assertTrue(stderr.contains("probably locked: unlock it"), stderr);
		assertFalse(stderr.contains(secret));
		assertNothingStored(home, secret);
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	@DisplayName("with no keychain at all, 'amk connection add' fails clearly, stores nothing, and writes the secret nowhere")
	void absentKeychain(@TempDir Path home) throws Exception {
		String secret = "sk-proj-NOKEYCHAIN-" + UUID.randomUUID();
		ProcessBuilder pb = new ProcessBuilder(javaCommand("connection", "add", "openai", "--provider", "openai"));
		pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
		pb.environment().put("AMK_HOME", home.toString());
		Process p = pb.start();
		p.getOutputStream().write((secret + "\n").getBytes(StandardCharsets.UTF_8));
		p.getOutputStream().close();
		assertTrue(p.waitFor(60, TimeUnit.SECONDS));
		String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

		assertEquals(1, p.exitValue(), stderr);
		assertTrue(stderr.contains("No OS keychain is reachable"), stderr);
		assertTrue(stderr.contains("never falls back"), stderr);
		assertFalse(stderr.contains(secret));
		assertNothingStored(home, secret);
	}

	private static void assertNothingStored(Path home, String secret) throws Exception {
		try (Stream<Path> files = Files.walk(home)) {
			for (Path f : files.filter(Files::isRegularFile).toList()) {
				assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret), "secret found in " + f);
			}
		}
		ProcessBuilder list = new ProcessBuilder(javaCommand("connection", "list", "--json"));
		list.environment().put("AMK_HOME", home.toString());
		Process lp = list.start();
		assertTrue(lp.waitFor(60, TimeUnit.SECONDS));
		assertEquals("[ ]", new String(lp.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(), "nothing was stored");
	}

	static List<String> javaCommand(String... args) {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main"));
		cmd.addAll(List.of(args));
		return cmd;
	}
}
