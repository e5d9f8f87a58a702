package dev.amk.secrets;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the rest of the code relies on from a {@link SecretStore}, run against the real keychain
 * ({@link KeyringSecretStoreTest}) and against the stand-in the end-to-end tests use ({@link InMemorySecretStoreTest}),
 * so that the stand-in cannot drift from the real thing.
 */
abstract class SecretStoreContract<S extends SecretStore> {
	protected S store;
	private final List<String> refs = new ArrayList<>();

	/** A fresh store, holding nothing this test could see. */
	protected abstract S open();

	@BeforeEach
	void openStore() {
		store = open();
	}

	@AfterEach
	void removeWhatWasStored() throws Exception {
		if (store == null) {
			return;
		}
		try {
			refs.forEach(store::delete);
		} finally {
			if (store instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
	}

	/** A reference of the shape the connections use, removed again after the test. */
	protected String ref() {
		String r = "connection/" + UUID.randomUUID();
		refs.add(r);
		return r;
	}

	@Test
	@DisplayName("store, read, overwrite and delete a connection secret")
	void lifecycle() {
		String ref = ref();
		store.put(ref, "sk-first-ÄÖ-✓");
		assertEquals("sk-first-ÄÖ-✓", store.get(ref));
		store.put(ref, "sk-second");
		assertEquals("sk-second", store.get(ref));
		store.delete(ref);
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> store.get(ref)).type());
	}

	@Test
	@DisplayName("a reference that never held a secret is 'secret_missing', and its message says what to do")
	void missing() {
		AmkException missing = assertThrows(AmkException.class, () -> store.get(ref()));
		assertEquals("secret_missing", missing.type());
		assertTrue(missing.getMessage().contains("add the connection again"), missing.getMessage());
	}

	@Test
	@DisplayName("deleting is idempotent: twice, or something never stored, is not an error")
	void deleteIsIdempotent() {
		String ref = ref();
		store.put(ref, "sk-once");
		store.delete(ref);
		store.delete(ref);
		store.delete(ref());
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> store.get(ref)).type());
	}

	@Test
	@DisplayName("each reference holds its own secret: deleting one leaves the others")
	void referencesAreIndependent() {
		String a = ref();
		String b = ref();
		store.put(a, "secret-a");
		store.put(b, "secret-b");
		store.delete(a);
		assertEquals("secret-b", store.get(b));
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> store.get(a)).type());
	}

	@Test
	@DisplayName("an OAuth token set (JSON, quotes, a few kilobytes) comes back byte for byte")
	void tokenSetSizedSecret() {
		String ref = ref();
		String tokenSet = "{\"access_token\":\"" + "a".repeat(2048) + "\",\"refresh_token\":\"r-\\\"quoted\\\"\",\"expires_at\":\"2026-11-25T12:00:00Z\"}";
		store.put(ref, tokenSet);
		assertEquals(tokenSet, store.get(ref));
	}

	@Test
	@DisplayName("the broker's cache reads the store once and forgets a secret when it is deleted")
	void cachingStore() {
		String ref = ref();
		CachingSecretStore cached = new CachingSecretStore(store);
		cached.put(ref, "sk-cached");
		store.delete(ref); // behind the cache's back, as another process would
		assertEquals("sk-cached", cached.get(ref), "served from memory");
		cached.delete(ref);
		assertEquals("secret_missing", assertThrows(AmkException.class, () -> cached.get(ref)).type());
	}
}
