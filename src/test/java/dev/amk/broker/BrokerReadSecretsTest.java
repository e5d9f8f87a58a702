package dev.amk.broker;

import dev.amk.common.AmkException;
import dev.amk.connections.ConnectionService;
import dev.amk.providers.Providers;
import dev.amk.secrets.SecretStore;
import dev.amk.secrets.SecretStoreErrors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the secrets at start: one item the keychain refuses (a denied macOS prompt) is a warning for that
 * connection, never the end of the broker; a keychain that cannot be reached at all still stops it.
 */
class BrokerReadSecretsTest {
	@TempDir
	Path home;

	/** A keychain of logic only (its real counterpart is tested in KeyringSecretStoreTest): refuses the refs in {@code refused}. */
	static final class RefusingStore implements SecretStore {
		final Map<String, String> items = new ConcurrentHashMap<>();
		final Set<String> refused = ConcurrentHashMap.newKeySet();
		volatile boolean unreachable;

		@Override
		public void put(String ref, String secret) {
			items.put(ref, secret);
		}

		@Override
		public String get(String ref) {
			if (unreachable) {
				throw SecretStoreErrors.unavailable("test", null);
			}
			if (refused.contains(ref)) {
				throw SecretStoreErrors.denied(ref);
			}
			String s = items.get(ref);
			if (s == null) {
				throw SecretStoreErrors.missing(ref);
			}
			return s;
		}

		@Override
		public void delete(String ref) {
			items.remove(ref);
		}

		@Override
		public String description() {
			return "test";
		}
	}

	final RefusingStore store = new RefusingStore();
	Broker broker;

	@AfterEach
	void stop() {
		if (broker != null) {
			broker.close();
		}
	}

	@Test
	@DisplayName("a refused item is one warning naming its connection; the other connection's secret is read")
	void refusedItemWarns() {
		broker = Broker.start(Broker.Options.defaults(home, store, 0));
		var denied = broker.connections().add(new ConnectionService.NewConnection("openai", Providers.byId("openai"), null, null), "sk-denied");
		var fine = broker.connections().add(new ConnectionService.NewConnection("anthropic", Providers.byId("anthropic"), null, null), "sk-fine");
		broker.registry().reload();
		store.refused.add(denied.secretRef());
		((dev.amk.secrets.CachingSecretStore) broker.secrets()).forget(denied.secretRef());

		List<String> warnings = broker.readSecrets();

		assertEquals(1, warnings.size(), warnings.toString());
		assertTrue(warnings.getFirst().startsWith("connection 'openai': The OS keychain denied access"), warnings.getFirst());
		assertEquals("sk-fine", broker.secrets().get(fine.secretRef()));
	}

	@Test
	@DisplayName("no keychain at all still stops the broker's start, with the keychain's own message")
	void unreachableKeychainThrows() {
		broker = Broker.start(Broker.Options.defaults(home, store, 0));
		var c = broker.connections().add(new ConnectionService.NewConnection("openai", Providers.byId("openai"), null, null), "sk-x");
		broker.registry().reload();
		((dev.amk.secrets.CachingSecretStore) broker.secrets()).forget(c.secretRef());
		store.unreachable = true;
		assertEquals("keychain_unavailable", assertThrows(AmkException.class, () -> broker.readSecrets()).type());
	}
}
