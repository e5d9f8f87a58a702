package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenericOAuthTest {
	private final ProviderSpec oauth = Providers.OAUTH;

	@Test
	@DisplayName("oauth: no defaults but Bearer; it owns its base URL's host; only signs in")
	void spec() {
		assertEquals("oauth", oauth.id());
		assertNull(oauth.defaultBaseUrl());
		assertFalse(oauth.takesApiKey());
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), oauth.defaultInjection());
		assertEquals(List.of("api.example.com"), hosts(oauth, "https://api.example.com/v2"));
		assertTrue(oauth.probe().provesKey());
	}

	@Test
	@DisplayName("its profile takes every endpoint from the person")
	void profile() {
		OAuthProfile o = Providers.oauthOf(oauth);
		assertTrue(o.endpointsFromPerson());
		assertNull(o.authorizeUrl());
		assertNull(o.registerAt());
		assertEquals(new OAuthProfile.Identity.Unknown(), o.identity());
	}

	@Test
	@DisplayName("a generic base URL and key, and curl on the API's root")
	void snippets() {
		assertEquals(List.of("oauth", "curl"), snippetIds(oauth));
		assertEquals("export BASE_URL=http://127.0.0.1:9400/conn\nexport API_KEY=amk_TESTKEY", snippet(oauth, "oauth").text());
	}
}
