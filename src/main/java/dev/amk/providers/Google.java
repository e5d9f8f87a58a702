package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;
import java.util.Optional;

/**
 * Google's Workspace APIs (Gmail, Drive, Calendar), OAuth only. Its quirks: a refresh token comes only with
 * {@code access_type=offline&prompt=consent}; {@code openid email} are always asked for, as that is how the broker
 * learns whose account it is; the app offers a picker of per-product scopes.
 */
public final class Google extends BaseProvider {
	private static final String SCOPE = "https://www.googleapis.com/auth/";

	private final OAuthProfile oauth = OAuthProfile.builder(this)
			.authorize("https://accounts.google.com/o/oauth2/v2/auth")
			.token("https://oauth2.googleapis.com/token")
			.device("https://oauth2.googleapis.com/device/code", null)
			.revoke("https://oauth2.googleapis.com/revoke")
			.requiredScopes("openid", "email")
			.scopeChoices(new OAuthProfile.ScopeChoice("Gmail: read", List.of(SCOPE + "gmail.readonly"), true),
					new OAuthProfile.ScopeChoice("Gmail: send", List.of(SCOPE + "gmail.send"), false),
					new OAuthProfile.ScopeChoice("Drive: read", List.of(SCOPE + "drive.readonly"), true),
					new OAuthProfile.ScopeChoice("Drive: files it creates", List.of(SCOPE + "drive.file"), false),
					new OAuthProfile.ScopeChoice("Calendar: read", List.of(SCOPE + "calendar.readonly"), true),
					new OAuthProfile.ScopeChoice("Calendar: edit events", List.of(SCOPE + "calendar.events"), false))
			// offline + consent: Google hands out a refresh token only when asked this way.
			.authorizeParameter("access_type", "offline")
			.authorizeParameter("prompt", "consent")
			.authorizeParameter("include_granted_scopes", "true")
			.identity(new OAuthProfile.Identity.FromApi("GET", "/oauth2/v3/userinfo", null, "email"))
			.registerAt("https://console.cloud.google.com/apis/credentials")
			.build();

	Google() {
		// Gmail, Drive and Calendar all answer under www.googleapis.com (/gmail/v1, /drive/v3, /calendar/v3).
		super("google", "Google", "https://www.googleapis.com", SpecParts.BEARER, Probe.get("/oauth2/v3/userinfo"));
	}

	/** Every Google API host, as the products' own hosts (gmail.googleapis.com…) take the same token. */
	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("*.googleapis.com"));
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe(), proxyBase, key, SpecParts.env("google", "Google APIs",
				"Send Gmail (/gmail/v1), Drive (/drive/v3) and Calendar (/calendar/v3) requests to this URL instead of"
						+ " https://www.googleapis.com, with the key as the Bearer token.",
				"GOOGLE_API_BASE_URL", proxyBase, "GOOGLE_ACCESS_TOKEN", key));
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	/** Its APIs take only OAuth tokens, which the broker must be able to refresh. */
	@Override
	public boolean takesApiKey() {
		return false;
	}

	@Override
	public String accessPage() {
		return "https://myaccount.google.com/permissions";
	}
}
