package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/** Linear's GraphQL API. Its OAuth quirk: scopes are joined with commas. */
public final class Linear extends BaseProvider {
	private final OAuthProfile oauth = OAuthProfile.builder(this)
			.authorize("https://linear.app/oauth/authorize")
			.token("https://api.linear.app/oauth/token")
			.revoke("https://api.linear.app/oauth/revoke")
			.defaultScopes("read")
			.scopeChoices(new OAuthProfile.ScopeChoice("Read", List.of("read"), true),
					new OAuthProfile.ScopeChoice("Write", List.of("write"), false),
					new OAuthProfile.ScopeChoice("Create issues", List.of("issues:create"), false),
					new OAuthProfile.ScopeChoice("Create comments", List.of("comments:create"), false))
			.scopesJoinedWith(",")
			.identity(new OAuthProfile.Identity.FromApi("POST", "/graphql", "{\"query\":\"{ viewer { email } }\"}", "data.viewer.email"))
			.registerAt("https://linear.app/settings/api/applications/new")
			.build();

	Linear() {
		super("linear", "Linear", "https://api.linear.app", SpecParts.BEARER, Probe.baseUrl());
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("api.linear.app"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("linear", "Linear SDK",
				"With @linear/sdk: new LinearClient({ accessToken: process.env.LINEAR_ACCESS_TOKEN, apiUrl: process.env.LINEAR_API_URL }).",
				"LINEAR_API_URL", proxyBase + "/graphql", "LINEAR_ACCESS_TOKEN", key));
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	@Override
	public String accessPage() {
		return "Linear's account settings (authorized applications)";
	}
}
