package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.KEY;
import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitHubTest {
	private final ProviderSpec github = Providers.GITHUB;

	@Test
	@DisplayName("github: the API, uploads and github.com, where git over HTTPS takes Basic x-access-token")
	void spec() {
		assertEquals("github", github.id());
		assertEquals(List.of("api.github.com", "uploads.github.com", "github.com"), hosts(github));
		OwnedHost git = github.hosts(okhttp3.HttpUrl.get(github.defaultBaseUrl())).get(2);
		assertEquals(new Injection.Basic("x-access-token"), git.injection());
		assertNull(github.hosts(okhttp3.HttpUrl.get(github.defaultBaseUrl())).getFirst().injection(), "the API takes the connection's own");
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), github.defaultInjection());
		assertEquals(Probe.get("/user"), github.probe());
		assertTrue(github.takesApiKey(), "a personal access token can be pasted");
	}

	@Test
	@DisplayName("GitHub Enterprise: a connection to its server also owns that host")
	void enterprise() {
		assertEquals(List.of("api.github.com", "uploads.github.com", "github.com", "ghe.example.com"), hosts(github, "https://ghe.example.com/api/v3"));
	}

	@Test
	@DisplayName("GitHub's OAuth: device flow with a note, no RFC 7009 endpoint but grant deletion, the login from /user")
	void oauth() {
		OAuthProfile o = Providers.oauthOf(github);
		assertTrue(o.supportsDeviceFlow());
		assertTrue(o.deviceNote().contains("Enable Device Flow"), o.deviceNote());
		assertNull(o.revokeUrl());
		assertEquals(Revocation.DELETE_APP_GRANT, o.revocation());
		assertEquals(List.of("repo", "read:user"), o.initialScopes());
		assertEquals(new OAuthProfile.Identity.FromApi("GET", "/user", null, "login"), o.identity());
		assertEquals("http://127.0.0.1/callback", o.redirectToRegister());
		assertEquals("https://github.com/settings/developers", o.registerAt());
		assertTrue(github.accessPage().startsWith("https://github.com/settings/applications"));
	}

	@Test
	@DisplayName("GitHub: GITHUB_API_URL and GH_TOKEN, and an Octokit client that reads the key from GH_TOKEN")
	void snippets() {
		assertEquals(List.of("github", "octokit", "curl"), snippetIds(github));
		assertEquals("export GITHUB_API_URL=http://127.0.0.1:9400/conn\nexport GH_TOKEN=amk_TESTKEY", snippet(github, "github").text());
		String octokit = snippet(github, "octokit").text();
		assertTrue(octokit.contains("new Octokit({ baseUrl: \"http://127.0.0.1:9400/conn\", auth: process.env.GH_TOKEN })"), octokit);
		assertFalse(octokit.contains(KEY), "the Octokit code takes the key from the environment, not from source");
		assertEquals("curl http://127.0.0.1:9400/conn/user -H \"Authorization: Bearer amk_TESTKEY\"", snippet(github, "curl").text());
	}
}
