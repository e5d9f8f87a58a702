package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/**
 * Slack's Web API, signed in as a desktop (PKCE, public) app. Its quirks: Slack requires https redirects except
 * {@code localhost} ones for PKCE apps, on the exact port registered, so the redirect port is fixed; such apps may
 * ask only for user scopes ({@code user_scope}, comma-separated), so the token acts as the person who signed in and
 * arrives under {@code authed_user}; errors come as HTTP 200 with {@code "ok": false} and an {@code error} field.
 */
public final class Slack extends BaseProvider {
	/** The redirect to register: {@code http://localhost:47923/callback}. */
	public static final RedirectAddress REDIRECT = new RedirectAddress("localhost", 47923);

	private final OAuthProfile oauth = OAuthProfile.builder(this)
			.authorize("https://slack.com/oauth/v2/authorize")
			.token("https://slack.com/api/oauth.v2.access")
			.revoke("https://slack.com/api/auth.revoke")
			.defaultScopes("channels:read", "channels:history", "chat:write", "users:read", "search:read")
			.scopesJoinedWith(",")
			.scopesIn("user_scope")
			.tokensIn("authed_user")
			.identity(new OAuthProfile.Identity.FromTokenResponse(List.of("team.name")))
			.registerAt("https://api.slack.com/apps")
			.redirect(REDIRECT)
			.build();

	Slack() {
		super("slack", "Slack", "https://slack.com/api", SpecParts.BEARER, Probe.get("/auth.test"));
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("slack.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("slack", "Slack SDKs",
				"Pass the URL as slack_api_url (Python) or slackApiUrl (Node) and the key as the token.",
				"SLACK_API_URL", proxyBase + "/", "SLACK_TOKEN", key));
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	@Override
	public String accessPage() {
		return "your Slack workspace's app management page (https://slack.com/apps/manage)";
	}
}
