package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LinearTest {
	private final ProviderSpec linear = Providers.LINEAR;

	@Test
	@DisplayName("linear: api.linear.app, Bearer tokens, no known probe path")
	void spec() {
		assertEquals("linear", linear.id());
		assertEquals(List.of("api.linear.app"), hosts(linear));
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), linear.defaultInjection());
		assertNull(linear.probe().path());
	}

	@Test
	@DisplayName("Linear's OAuth: comma-joined scopes, read by default, the viewer's email from GraphQL")
	void oauth() {
		OAuthProfile o = Providers.oauthOf(linear);
		assertEquals(",", o.scopeSeparator());
		assertEquals(List.of("read"), o.initialScopes());
		assertEquals("data.viewer.email", ((OAuthProfile.Identity.FromApi) o.identity()).field());
		assertEquals("https://api.linear.app/oauth/revoke", o.revokeUrl());
	}

	@Test
	@DisplayName("Linear SDK: LINEAR_API_URL is the GraphQL endpoint")
	void snippets() {
		assertEquals(List.of("linear", "curl"), snippetIds(linear));
		assertEquals("export LINEAR_API_URL=http://127.0.0.1:9400/conn/graphql\nexport LINEAR_ACCESS_TOKEN=amk_TESTKEY", snippet(linear, "linear").text());
	}
}
