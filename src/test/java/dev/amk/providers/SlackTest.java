package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SlackTest {
	private final ProviderSpec slack = Providers.SLACK;

	@Test
	@DisplayName("slack: slack.com/api, Bearer tokens, auth.test as probe")
	void spec() {
		assertEquals("slack", slack.id());
		assertEquals(List.of("slack.com"), hosts(slack));
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), slack.defaultInjection());
		assertEquals(Probe.get("/auth.test"), slack.probe());
	}

	@Test
	@DisplayName("Slack's OAuth: user scopes joined with commas, tokens under authed_user, a fixed localhost redirect port, no device flow")
	void oauth() {
		OAuthProfile o = Providers.oauthOf(slack);
		assertEquals("user_scope", o.scopeParameter());
		assertEquals(",", o.scopeSeparator());
		assertEquals("http://localhost:47923/callback", o.redirectToRegister());
		assertEquals(Slack.REDIRECT, o.redirect());
		assertEquals("authed_user", o.tokensIn(), "a user-token-only install nests the tokens");
		assertFalse(o.supportsDeviceFlow());
		assertEquals("https://slack.com/api/auth.revoke", o.revokeUrl());
		assertEquals(new OAuthProfile.Identity.FromTokenResponse(List.of("team.name")), o.identity());
	}

	@Test
	@DisplayName("Slack SDKs: SLACK_API_URL ends in a slash, as the SDKs join method names to it")
	void snippets() {
		assertEquals(List.of("slack", "curl"), snippetIds(slack));
		assertEquals("export SLACK_API_URL=http://127.0.0.1:9400/conn/\nexport SLACK_TOKEN=amk_TESTKEY", snippet(slack, "slack").text());
	}
}
