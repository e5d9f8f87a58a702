package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.TokenRevoker;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.Revocation;

/**
 * Revocation when a connection is removed, the way its provider's {@link Revocation} says. RFC 7009 where there is
 * a revocation URL: the refresh token where there is one (that ends the whole grant at Google, Linear and most
 * others), else the access token. Without one, a provider that deletes grants through its REST API as the OAuth app
 * (GitHub) is asked that way when the connection has a client secret to authenticate with.
 */
public final class OAuthRevoker implements TokenRevoker {
	private final TokenEndpoint endpoint;

	public OAuthRevoker(TokenEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	public Outcome revoke(Connection connection, String tokenSet, String clientSecret) {
		if (!connection.isOAuth()) {
			return Outcome.NOT_SUPPORTED;
		}
		boolean rfc7009 = connection.oauth().revokeUrl() != null;
		boolean deleteGrant = !rfc7009 && clientSecret != null
				&& connection.provider().oauth().map(OAuthProfile::revocation).orElse(Revocation.RFC_7009) == Revocation.DELETE_APP_GRANT;
		if (!rfc7009 && !deleteGrant) {
			return Outcome.NOT_SUPPORTED;
		}
		try {
			TokenSet tokens = TokenSet.fromJson(tokenSet);
			OAuthClient client = OAuthClient.of(connection, clientSecret);
			if (deleteGrant) {
				endpoint.deleteAppGrant(connection.baseUrl(), client, tokens.accessToken());
			} else if (tokens.refreshToken() != null) {
				endpoint.revoke(client, tokens.refreshToken(), "refresh_token");
			} else {
				endpoint.revoke(client, tokens.accessToken(), "access_token");
			}
			return Outcome.REVOKED;
		} catch (AmkException e) {
			System.getLogger(OAuthRevoker.class.getName()).log(System.Logger.Level.WARNING,
					"Could not revoke the tokens of connection " + connection.name() + ": " + e.getMessage());
			return Outcome.FAILED;
		}
	}
}
