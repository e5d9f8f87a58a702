package dev.amk.connections;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.providers.Injection;
import dev.amk.providers.Providers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.amk.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules a new pasted-key connection meets, each naming its field, the same for Save and for the Test button. */
class ConnectionRulesTest {
	private static final Injection.Header BEARER = new Injection.Header("Authorization", "Bearer {secret}");
	private static final Injection.Query QUERY = new Injection.Query("key");

	private static ConnectionService.NewConnection draft(dev.amk.providers.ProviderSpec provider, String baseUrl, Injection injection) {
		return new ConnectionService.NewConnection("api", provider, baseUrl, injection);
	}

	@Test
	@DisplayName("BASE_URL: a custom API needs one; an empty field takes a known provider's default")
	void baseUrl() {
		InvalidInput e = refused(Field.BASE_URL, Problem.MISSING, () -> ConnectionService.upstreamOf(draft(Providers.CUSTOM, null, BEARER)));
		assertEquals("A custom connection needs a base URL, the root of the API, for example https://api.example.com/v1.", e.getMessage());
		refused(Field.BASE_URL, Problem.MISSING, () -> ConnectionService.upstreamOf(draft(Providers.CUSTOM, "  ", BEARER)));
		assertEquals(BaseUrls.parse(Providers.OPENAI.defaultBaseUrl()), ConnectionService.upstreamOf(draft(Providers.OPENAI, " ", null)).baseUrl());
		refused(Field.BASE_URL, Problem.MALFORMED, () -> ConnectionService.upstreamOf(draft(Providers.OPENAI, "not a url", null)));
		refused(Field.BASE_URL, Problem.UNSAFE, () -> ConnectionService.upstreamOf(draft(Providers.OPENAI, "http://api.example.com", null)));
		refused(Field.BASE_URL, Problem.UNSAFE, () -> ConnectionService.upstreamOf(draft(Providers.OPENAI, "https://u:p@api.example.com", null)));
	}

	@Test
	@DisplayName("HEADER: a custom API must say how it takes its key")
	void injection() {
		refused(Field.HEADER, Problem.MISSING, () -> ConnectionService.upstreamOf(draft(Providers.CUSTOM, "https://api.example.com", null)));
		assertEquals(QUERY, ConnectionService.upstreamOf(draft(Providers.CUSTOM, "https://api.example.com", QUERY)).injection());
	}

	@Test
	@DisplayName("PROVIDER: one that signs in cannot take a pasted key; the message says how, at both front doors")
	void provider() {
		InvalidInput e = assertThrows(InvalidInput.class, () -> ConnectionService.upstreamOf(draft(Providers.GOOGLE, null, null)));
		assertEquals(Field.PROVIDER, e.field());
		assertEquals(Problem.CONFLICT, e.problem());
		assertTrue(e.getMessage().contains("amk connection connect api --provider google") && e.getMessage().contains("its Connect button"),
				e.getMessage());
	}

	@Test
	@DisplayName("SECRET: empty is MISSING, a line break or NUL MALFORMED")
	void secretShape() {
		refused(Field.SECRET, Problem.MISSING, () -> ConnectionService.requireUsableSecret("", BEARER));
		refused(Field.SECRET, Problem.MISSING, () -> ConnectionService.requireUsableSecret(null, QUERY));
		for (String bad : new String[] {"sk-1\nsk-2", "sk-1\r", "sk\u0000"}) {
			refused(Field.SECRET, Problem.MALFORMED, () -> ConnectionService.requireUsableSecret(bad, QUERY));
		}
	}

	@ParameterizedTest(name = "U+{0}")
	@ValueSource(ints = {0x7f, 0x01, 0x09, 0x1b, 0x1f})
	@DisplayName("SECRET: a control character (DEL included) is refused however the secret is sent")
	void controlCharacters(int c) {
		String secret = "sk-abc" + (char) c + "def";
		InvalidInput header = refused(Field.SECRET, Problem.UNSAFE, () -> ConnectionService.requireUsableSecret(secret, BEARER));
		assertTrue(header.getMessage().contains("in an HTTP header"), header.getMessage());
		// A query parameter took DEL and the other C0 characters before: the Test button refused them, Save did not.
		InvalidInput query = refused(Field.SECRET, Problem.UNSAFE, () -> ConnectionService.requireUsableSecret(secret, QUERY));
		assertTrue(query.getMessage().contains("control characters"), query.getMessage());
	}

	@Test
	@DisplayName("SECRET: non-ASCII cannot go in a header, but can in a query parameter (percent-encoded)")
	void nonAscii() {
		refused(Field.SECRET, Problem.UNSAFE, () -> ConnectionService.requireUsableSecret("sk-é", BEARER));
		assertDoesNotThrow(() -> ConnectionService.requireUsableSecret("sk-é", QUERY));
		assertDoesNotThrow(() -> ConnectionService.requireUsableSecret("sk-~!x", BEARER));
	}

	@Test
	@DisplayName("OAuth endpoints name their own field")
	void endpoints() {
		refused(Field.TOKEN_URL, Problem.MALFORMED, () -> BaseUrls.endpoint(Field.TOKEN_URL, "token URL", "nope"));
		refused(Field.AUTHORIZE_URL, Problem.UNSAFE, () -> BaseUrls.endpoint(Field.AUTHORIZE_URL, "authorize URL", "http://idp.example.com/a"));
	}
}
