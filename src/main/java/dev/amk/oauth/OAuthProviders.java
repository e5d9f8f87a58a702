package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.connections.OAuthDetails.ClientAuth;
import dev.amk.connections.Provider;
import dev.amk.oauth.OAuthProfile.Identity;
import dev.amk.oauth.OAuthProfile.ScopeChoice;

import java.util.List;
import java.util.Map;

/** The OAuth providers the broker knows, with their documented endpoints (checked November 2026). */
public final class OAuthProviders {
	private static final String GOOGLE_SCOPE = "https://www.googleapis.com/auth/";

	public static final OAuthProfile GITHUB = new OAuthProfile(Provider.GITHUB,
			"https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
			"https://github.com/login/device/code", null, // GitHub revokes through its own REST API, not RFC 7009
			List.of("repo", "read:user"), List.of(), " ", "scope", Map.of(), ClientAuth.POST,
			new Identity.FromApi("GET", "/user", null, "login"),
			"https://github.com/settings/developers", LoopbackRedirect.Redirect.LOOPBACK_IP);

	public static final OAuthProfile GOOGLE = new OAuthProfile(Provider.GOOGLE,
			"https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
			"https://oauth2.googleapis.com/device/code", "https://oauth2.googleapis.com/revoke",
			List.of("openid", "email"),
			List.of(new ScopeChoice("Gmail: read", List.of(GOOGLE_SCOPE + "gmail.readonly"), true),
					new ScopeChoice("Gmail: send", List.of(GOOGLE_SCOPE + "gmail.send"), false),
					new ScopeChoice("Drive: read", List.of(GOOGLE_SCOPE + "drive.readonly"), true),
					new ScopeChoice("Drive: files it creates", List.of(GOOGLE_SCOPE + "drive.file"), false),
					new ScopeChoice("Calendar: read", List.of(GOOGLE_SCOPE + "calendar.readonly"), true),
					new ScopeChoice("Calendar: edit events", List.of(GOOGLE_SCOPE + "calendar.events"), false)),
			" ", "scope",
			// offline + consent: Google hands out a refresh token only when asked this way.
			Map.of("access_type", "offline", "prompt", "consent", "include_granted_scopes", "true"),
			ClientAuth.POST,
			new Identity.FromApi("GET", "/oauth2/v3/userinfo", null, "email"),
			"https://console.cloud.google.com/apis/credentials", LoopbackRedirect.Redirect.LOOPBACK_IP);

	/** Slack's loopback redirect for PKCE apps: {@code localhost} on the registered port, so the port is fixed. */
	public static final LoopbackRedirect.Redirect SLACK_REDIRECT = new LoopbackRedirect.Redirect("localhost", 47923);

	/**
	 * Slack as a desktop (PKCE, public) app: Slack requires https redirects except localhost ones for PKCE-enabled
	 * apps, and those may ask only for user scopes, so the token acts as the person who signed in.
	 */
	public static final OAuthProfile SLACK = new OAuthProfile(Provider.SLACK,
			"https://slack.com/oauth/v2/authorize", "https://slack.com/api/oauth.v2.access", null, "https://slack.com/api/auth.revoke",
			List.of("channels:read", "channels:history", "chat:write", "users:read", "search:read"), List.of(), ",", "user_scope", Map.of(),
			ClientAuth.POST,
			new Identity.FromTokenResponse(List.of("team.name")),
			"https://api.slack.com/apps", SLACK_REDIRECT);

	public static final OAuthProfile NOTION = new OAuthProfile(Provider.NOTION,
			"https://api.notion.com/v1/oauth/authorize", "https://api.notion.com/v1/oauth/token", null, null,
			List.of(), List.of(), " ", "scope", Map.of("owner", "user"), ClientAuth.BASIC,
			new Identity.FromTokenResponse(List.of("owner.user.person.email", "owner.user.name", "workspace_name")),
			"https://www.notion.so/profile/integrations", LoopbackRedirect.Redirect.LOOPBACK_IP);

	public static final OAuthProfile LINEAR = new OAuthProfile(Provider.LINEAR,
			"https://linear.app/oauth/authorize", "https://api.linear.app/oauth/token", null, "https://api.linear.app/oauth/revoke",
			List.of("read"),
			List.of(new ScopeChoice("Read", List.of("read"), true), new ScopeChoice("Write", List.of("write"), false),
					new ScopeChoice("Create issues", List.of("issues:create"), false),
					new ScopeChoice("Create comments", List.of("comments:create"), false)),
			",", "scope", Map.of(), ClientAuth.POST,
			new Identity.FromApi("POST", "/graphql", "{\"query\":\"{ viewer { email } }\"}", "data.viewer.email"),
			"https://linear.app/settings/api/applications/new", LoopbackRedirect.Redirect.LOOPBACK_IP);

	/** The generic provider: every endpoint comes from the person. */
	public static final OAuthProfile GENERIC = new OAuthProfile(Provider.OAUTH, null, null, null, null, List.of(), List.of(), " ",
			"scope", Map.of(), ClientAuth.POST, new Identity.Unknown(), null, LoopbackRedirect.Redirect.LOOPBACK_IP);

	private static final List<OAuthProfile> ALL = List.of(GITHUB, GOOGLE, SLACK, NOTION, LINEAR, GENERIC);

	private OAuthProviders() {
	}

	/** Every provider, in the order the app shows its Connect buttons. */
	public static List<OAuthProfile> all() {
		return ALL;
	}

	public static OAuthProfile of(Provider provider) {
		return ALL.stream().filter(p -> p.provider() == provider).findFirst()
				.orElseThrow(() -> AmkException.invalid(provider.displayName() + " does not connect with OAuth. Connect it with an API key:"
						+ " amk connection add NAME --provider " + provider.id() + " (the key on stdin). OAuth providers: github, google, slack,"
						+ " notion, linear, oauth."));
	}
}
