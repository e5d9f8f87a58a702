package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/**
 * Notion's API. Its OAuth quirks: the client authenticates with HTTP Basic, the token endpoint takes JSON, the
 * authorize request must say {@code owner=user}, scopes are chosen on Notion's page (none are sent), the workspace
 * and the person come in the token response, and there is no revocation endpoint. Every request needs a version header.
 */
public final class Notion extends BaseProvider {
	private final OAuthProfile oauth = OAuthProfile.builder(this)
			.authorize("https://api.notion.com/v1/oauth/authorize")
			.token("https://api.notion.com/v1/oauth/token")
			.authorizeParameter("owner", "user")
			.clientAuth(ClientAuth.BASIC)
			.jsonTokenRequests()
			.identity(new OAuthProfile.Identity.FromTokenResponse(List.of("owner.user.person.email", "owner.user.name", "workspace_name")))
			.registerAt("https://www.notion.so/profile/integrations")
			.build();

	Notion() {
		super("notion", "Notion", "https://api.notion.com", SpecParts.BEARER, Probe.baseUrl().withHeader("Notion-Version", "2022-06-28"));
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("api.notion.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("notion", "Notion SDK",
				"With @notionhq/client: new Client({ auth: process.env.NOTION_TOKEN, baseUrl: process.env.NOTION_BASE_URL }).",
				"NOTION_BASE_URL", proxyBase, "NOTION_TOKEN", key));
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	@Override
	public String accessPage() {
		return "Notion's Settings → Connections";
	}
}
