package dev.amk.secrets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The end-to-end tests' keychain, held to the same contract as the real one. */
class InMemorySecretStoreTest extends SecretStoreContract<InMemorySecretStore> {
	@Override
	protected InMemorySecretStore open() {
		return new InMemorySecretStore();
	}

	@Test
	@DisplayName("lists what it holds, so that a test can prove nothing was left behind")
	void listsWhatItHolds() {
		String ref = ref();
		assertEquals(Set.of(), store.refs(), "a new store holds nothing");
		store.put(ref, "sk-listed");
		assertEquals(Set.of(ref), store.refs());
		store.delete(ref);
		assertEquals(Set.of(), store.refs());
	}
}
