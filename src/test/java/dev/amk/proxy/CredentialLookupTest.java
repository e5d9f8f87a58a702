package dev.amk.proxy;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialLookupTest {
	private static final Connection OPENAI = new Connection(1, "openai", null, HttpUrl.get("https://api.example/"), null, "ref", Instant.EPOCH);

	private static CredentialLookup failingWith(String type) {
		return new CredentialLookup(connection -> {
			throw new AmkException(ErrorType.of(type), "what happened. What to do.");
		});
	}

	@Test
	@DisplayName("the credential the source gives is the one used; no better one by default")
	void obtains() throws Refused {
		CredentialLookup lookup = new CredentialLookup(connection -> "secret-of-" + connection.name());
		assertEquals("secret-of-openai", lookup.obtain(OPENAI));
		assertNull(lookup.afterRejection(OPENAI, "secret-of-openai"));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({"connection_needs_reauth, CONNECTION_NEEDS_REAUTH, 503", "token_refresh_failed, UPSTREAM_UNREACHABLE, 502",
			"keychain_locked, CONNECTION_UNAVAILABLE, 503", "keychain_unavailable, CONNECTION_UNAVAILABLE, 503",
			"secret_missing, CONNECTION_UNAVAILABLE, 503", "keychain_denied, CONNECTION_UNAVAILABLE, 503"})
	@DisplayName("why there is no credential, in the contract's terms")
	void refusals(String thrown, ErrorType answered, int status) {
		Refused refused = assertThrows(Refused.class, () -> failingWith(thrown).obtain(OPENAI));
		assertEquals(answered, refused.refusal().type());
		assertEquals(status, refused.refusal().status());
		assertTrue(refused.refusal().message().contains("What to do."), refused.refusal().message());
	}

	@Test
	@DisplayName("a keychain failure names the connection")
	void namesTheConnection() {
		Refused refused = assertThrows(Refused.class, () -> failingWith("keychain_locked").obtain(OPENAI));
		assertTrue(refused.refusal().message().startsWith("The broker cannot read the secret of connection 'openai': "));
	}

	@Test
	@DisplayName("afterRejection asks the source")
	void afterRejection() {
		CredentialSource refreshing = new CredentialSource() {
			@Override
			public String credentialFor(Connection connection) {
				return "old";
			}

			@Override
			public String afterRejection(Connection connection, String rejected) {
				return rejected.equals("old") ? "new" : null;
			}
		};
		assertEquals("new", new CredentialLookup(refreshing).afterRejection(OPENAI, "old"));
	}
}
