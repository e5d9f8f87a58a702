package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/**
 * GitHub's REST API, with a personal access token or an OAuth app's tokens. Its OAuth quirks: the token endpoint
 * answers errors with HTTP 200 and an {@code error} field (the token client reads that field whatever the status),
 * there is no RFC 7009 endpoint (a grant is deleted through the REST API as the OAuth app, which needs the client
 * secret), and the device flow must be switched on in the app's settings.
 */
public final class GitHub extends BaseProvider {
	private final OAuthProfile oauth = OAuthProfile.builder(this)
			.authorize("https://github.com/login/oauth/authorize")
			.token("https://github.com/login/oauth/access_token")
			.device("https://github.com/login/device/code", "Turn on \"Enable Device Flow\" in the OAuth app's settings first.")
			.revocation(Revocation.DELETE_APP_GRANT)
			.defaultScopes("repo", "read:user")
			.identity(new OAuthProfile.Identity.FromApi("GET", "/user", null, "login"))
			.registerAt("https://github.com/settings/developers")
			.build();

	GitHub() {
		super("github", "GitHub", "https://api.github.com", SpecParts.BEARER, Probe.get("/user"));
	}

	/** The API, release uploads, and github.com itself for git over HTTPS, which takes the token as Basic {@code x-access-token:TOKEN}. */
	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("api.github.com"), OwnedHost.of("uploads.github.com"),
				new OwnedHost("github.com", new Injection.Basic("x-access-token")));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key,
				SpecParts.env("github", "GitHub", "Scripts and tools that talk to the GitHub API read GITHUB_API_URL and GH_TOKEN.",
						"GITHUB_API_URL", proxyBase, "GH_TOKEN", key),
				// The key comes from GH_TOKEN rather than being pasted into source code, where it would be committed.
				new SetupSnippet("octokit", "Octokit", "JavaScript and TypeScript: export GH_TOKEN as above, then create the client like this.",
						List.of(), List.of("import { Octokit } from \"octokit\";",
						"const octokit = new Octokit({ baseUrl: \"" + proxyBase + "\", auth: process.env.GH_TOKEN });")));
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	@Override
	public String accessPage() {
		return "https://github.com/settings/applications (Authorized OAuth Apps)";
	}
}
