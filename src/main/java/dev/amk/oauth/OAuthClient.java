package dev.amk.oauth;

import dev.amk.connections.Connection;
import dev.amk.connections.OAuthDetails;
import dev.amk.providers.ClientAuth;
import dev.amk.providers.OAuthProfile;
import okhttp3.HttpUrl;

/**
 * The OAuth client the broker acts as towards one authorization server: the person's own client id
 * (and secret, for providers that insist on one), and the endpoints it calls.
 *
 * @param jsonBody true for providers whose token endpoint takes JSON instead of a form (Notion)
 * @param tokensIn the token response's object that holds the tokens (Slack's {@code authed_user}); null for the top level
 * @param resource the RFC 8707 resource indicator sent with every code exchange and refresh (an MCP server's URI); null for none
 */
public record OAuthClient(HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId, String clientSecret, ClientAuth auth,
		boolean jsonBody, String tokensIn, String resource) {

	public OAuthClient(HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId, String clientSecret, ClientAuth auth,
			boolean jsonBody, String tokensIn) {
		this(tokenUrl, deviceUrl, revokeUrl, clientId, clientSecret, auth, jsonBody, tokensIn, null);
	}

	/** A client whose provider answers as RFC 6749 says: the tokens at the top level of the token response. */
	public OAuthClient(HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId, String clientSecret, ClientAuth auth,
			boolean jsonBody) {
		this(tokenUrl, deviceUrl, revokeUrl, clientId, clientSecret, auth, jsonBody, null);
	}

	/** The client a stored connection signs in as: its own endpoints and client, its provider's way of talking. */
	public static OAuthClient of(Connection connection, String clientSecret) {
		OAuthDetails o = connection.oauth();
		OAuthProfile profile = connection.provider().oauth().orElse(null);
		// Refresh and revocation follow the connection's --host-map like every other call the broker makes for it.
		return of(profile, connection.mapped(o.tokenUrl()), o.deviceUrl() == null ? null : connection.mapped(o.deviceUrl()),
				o.revokeUrl() == null ? null : connection.mapped(o.revokeUrl()), o.clientId(), clientSecret, o.clientAuth())
				.withResource(connection.provider().oauthResource(connection.baseUrl()));
	}

	/** The same client, its token requests bound to {@code resource} (RFC 8707). */
	public OAuthClient withResource(String resource) {
		return new OAuthClient(tokenUrl, deviceUrl, revokeUrl, clientId, clientSecret, auth, jsonBody, tokensIn, resource);
	}

	/** A client at these endpoints that talks the way {@code profile} says (null: as RFC 6749 says). */
	public static OAuthClient of(OAuthProfile profile, HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId, String clientSecret,
			ClientAuth auth) {
		return new OAuthClient(tokenUrl, deviceUrl, revokeUrl, clientId, clientSecret, auth, profile != null && profile.jsonTokenRequests(),
				profile == null ? null : profile.tokensIn());
	}

	@Override
	public String toString() {
		return "OAuthClient[" + clientId + " at " + tokenUrl + (clientSecret == null ? "" : ", with a secret") + "]";
	}
}
