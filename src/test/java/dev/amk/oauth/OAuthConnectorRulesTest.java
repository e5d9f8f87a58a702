package dev.amk.oauth;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.testing.Refusals;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The form rules of a new sign-in, which the Connect dialog checks with {@link OAuthConnector#checkNew} before anything runs. */
class OAuthConnectorRulesTest {
	private static OAuthConnector.Request request(ProviderSpec provider, String authorize, String token, String base, boolean device) {
		return new OAuthConnector.Request("api", provider, "client-1", null, null, authorize, token, null, null, base, device, true, false);
	}

	private static InvalidInput refused(Field field, Problem problem, OAuthConnector.Request request) {
		return Refusals.refused(field, problem, () -> OAuthConnector.checkNew(request, Providers.oauthOf(request.provider())));
	}

	@Test
	@DisplayName("TOKEN_URL, AUTHORIZE_URL, BASE_URL: a generic API needs all three for a browser sign-in")
	void genericEndpoints() {
		InvalidInput token = refused(Field.TOKEN_URL, Problem.MISSING, request(Providers.OAUTH, "https://idp.example/a", null, "https://api.example", false));
		assertEquals("A generic OAuth connection needs --token-url (and --authorize-url, or --device with --device-url).",
				token.message(field -> "--" + field.name().toLowerCase().replace('_', '-')));
		refused(Field.AUTHORIZE_URL, Problem.MISSING, request(Providers.OAUTH, " ", "https://idp.example/t", "https://api.example", false));
		refused(Field.BASE_URL, Problem.MISSING, request(Providers.OAUTH, "https://idp.example/a", "https://idp.example/t", " ", false));
		refused(Field.TOKEN_URL, Problem.UNSAFE, request(Providers.OAUTH, "https://idp.example/a", "http://idp.example/t", "https://api.example", false));
		assertDoesNotThrow(() -> OAuthConnector.checkNew(request(Providers.OAUTH, "https://idp.example/a", "https://idp.example/t",
				"https://api.example", false), Providers.oauthOf(Providers.OAUTH)));
	}

	@Test
	@DisplayName("DEVICE: asked of a provider without device sign-in; a known provider needs no endpoints typed")
	void device() {
		refused(Field.DEVICE, Problem.UNSUPPORTED, request(Providers.SLACK, null, null, null, true));
		assertDoesNotThrow(() -> OAuthConnector.checkNew(request(Providers.GITHUB, null, null, null, false), Providers.oauthOf(Providers.GITHUB)));
	}
}
