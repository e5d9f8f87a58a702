package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoogleTest {
	private final ProviderSpec google = Providers.GOOGLE;

	@Test
	@DisplayName("google: OAuth only, every *.googleapis.com host, Bearer tokens, userinfo as probe")
	void spec() {
		assertEquals("google", google.id());
		assertFalse(google.takesApiKey());
		assertEquals(List.of("*.googleapis.com"), hosts(google));
		assertTrue(google.hosts(okhttp3.HttpUrl.get(google.defaultBaseUrl())).getFirst().matches("gmail.googleapis.com"));
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), google.defaultInjection());
		assertEquals(Probe.get("/oauth2/v3/userinfo"), google.probe());
	}

	@Test
	@DisplayName("Google's OAuth: openid email always asked, a picker of product scopes, offline access for a refresh token")
	void oauth() {
		OAuthProfile o = Providers.oauthOf(google);
		assertEquals(List.of("openid", "email"), o.requiredScopes());
		assertEquals(6, o.scopeChoices().size());
		assertEquals(List.of("openid", "email", "https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/drive.readonly",
				"https://www.googleapis.com/auth/calendar.readonly"), o.initialScopes());
		assertEquals("offline", o.extraAuthorize().get("access_type"));
		assertEquals("consent", o.extraAuthorize().get("prompt"));
		assertEquals("https://oauth2.googleapis.com/revoke", o.revokeUrl());
		assertTrue(o.supportsDeviceFlow());
	}

	@Test
	@DisplayName("Google APIs: GOOGLE_API_BASE_URL and GOOGLE_ACCESS_TOKEN")
	void snippets() {
		assertEquals(List.of("google", "curl"), snippetIds(google));
		assertEquals("export GOOGLE_API_BASE_URL=http://127.0.0.1:9400/conn\nexport GOOGLE_ACCESS_TOKEN=amk_TESTKEY", snippet(google, "google").text());
		assertEquals("curl http://127.0.0.1:9400/conn/oauth2/v3/userinfo -H \"Authorization: Bearer amk_TESTKEY\"", snippet(google, "curl").text());
	}
}
