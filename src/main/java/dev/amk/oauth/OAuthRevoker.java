package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.TokenRevoker;

/**
 * RFC 7009 revocation when a connection is removed: the refresh token where there is one (that ends the
 * whole grant at Google, Linear and most others), else the access token.
 */
public final class OAuthRevoker implements TokenRevoker {
	private final TokenEndpoint endpoint;

	public OAuthRevoker(TokenEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	public Outcome revoke(Connection connection, String tokenSet, String clientSecret) {
		if (!connection.isOAuth() || connection.oauth().revokeUrl() == null) {
			return Outcome.NOT_SUPPORTED;
		}
		try {
			TokenSet tokens = TokenSet.fromJson(tokenSet);
			OAuthClient client = OAuthClient.of(connection, clientSecret);
			if (tokens.refreshToken() != null) {
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
