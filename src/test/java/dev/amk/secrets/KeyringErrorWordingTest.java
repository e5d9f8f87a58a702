package dev.amk.secrets;

import com.github.javakeyring.PasswordAccessException;
import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How keychain failures are told apart and worded, with java-keyring 1.0.4's own messages (no keychain needed). */
class KeyringErrorWordingTest {
	@Test
	@DisplayName("a missing item (java-keyring's 'No stored credentials match') says the secret is missing")
	void missing() {
		AmkException e = KeyringSecretStore.readFailure("connection/1",
				new PasswordAccessException("No stored credentials match Agent Master Key account: connection/1"));
		assertEquals("secret_missing", e.type());
	}

	@Test
	@DisplayName("a refused macOS prompt says access was denied, not that the secret may have been deleted, and never quotes the library")
	void denied() {
		AmkException e = KeyringSecretStore.readFailure("connection/1",
				new PasswordAccessException("Failed to get credential. The user name or passphrase you entered is not correct."));
		assertEquals("keychain_denied", e.type());
		assertTrue(e.getMessage().contains("denied access"), e.getMessage());
		assertTrue(e.getMessage().contains("Always Allow"), e.getMessage());
		assertFalse(e.getMessage().contains("deleted"), e.getMessage());
		assertFalse(e.getMessage().contains("passphrase"), e.getMessage());
	}

	@Test
	@DisplayName("macOS reads wait for the person to answer the prompt; elsewhere the deadline stays")
	void deadlines() {
		assertNull(KeyringSecretStore.effectiveDeadline(Duration.ofSeconds(20), "Mac OS X"));
		assertEquals(Duration.ofSeconds(20), KeyringSecretStore.effectiveDeadline(Duration.ofSeconds(20), "Linux"));
		assertEquals(Duration.ofSeconds(20), KeyringSecretStore.effectiveDeadline(Duration.ofSeconds(20), "Windows 11"));
	}
}
