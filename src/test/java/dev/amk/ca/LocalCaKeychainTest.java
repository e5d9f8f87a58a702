package dev.amk.ca;

import dev.amk.secrets.KeyringSecretStore;
import dev.amk.testing.NeedsKeychain;
import dev.amk.testing.TestKeychain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CA against the real OS keychain (GNOME Keyring in a private session bus on Linux, the login Keychain on macOS). */
@NeedsKeychain
class LocalCaKeychainTest {
	@TempDir
	Path home;

	String service;
	KeyringSecretStore keychain;

	@BeforeEach
	void open() {
		service = TestKeychain.uniqueService();
		keychain = TestKeychain.open(service);
	}

	@AfterEach
	void close() {
		if (keychain != null) {
			keychain.delete(LocalCa.KEY_ITEM);
			keychain.close();
		}
	}

	@Test
	@DisplayName("the key goes into the keychain and nowhere else; a later process (a new keychain session) signs with the same CA")
	void roundTrip() throws Exception {
		LocalCa.Ready made = new LocalCa(home, keychain, Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom()).ensure();
		LocalCaTest.assertKeyInNoFile(home, Base64.getDecoder().decode(keychain.get(LocalCa.KEY_ITEM)));
		try (KeyringSecretStore later = TestKeychain.open(service)) {
			LocalCa again = new LocalCa(home, later, Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom());
			LocalCa.Ready loaded = again.ensure();
			assertNull(loaded.notice());
			assertEquals(made.authority().fingerprint(), loaded.authority().fingerprint());
			LeafCertificates.Leaf leaf = new LeafCertificates(again, Clock.systemUTC(), Runnable::run).leaf("api.openai.com");
			leaf.certificate().verify(made.authority().certificate().getPublicKey());
		}
		keychain.delete(LocalCa.KEY_ITEM);
		LocalCa.Ready remade = new LocalCa(home, keychain, Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom()).ensure();
		assertTrue(remade.notice().startsWith("The keychain no longer holds the key"), remade.notice());
	}
}
