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
 */
public record OAuthClient(HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId, String clientSecret, ClientAuth auth,
		boolean jsonBody) {

	public static OAuthClient of(Connection connection, String clientSecret) {
		OAuthDetails o = connection.oauth();
		return new OAuthClient(o.tokenUrl(), o.deviceUrl(), o.revokeUrl(), o.clientId(), clientSecret, o.clientAuth(),
				connection.provider().oauth().map(OAuthProfile::jsonTokenRequests).orElse(false));
	}

	@Override
	public String toString() {
		return "OAuthClient[" + clientId + " at " + tokenUrl + (clientSecret == null ? "" : ", with a secret") + "]";
	}
}
