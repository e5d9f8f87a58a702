package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.Provider;
import dev.amk.connections.TokenRevoker;

/**
 * Revocation when a connection is removed. RFC 7009 where the provider has it: the refresh token where there
 * is one (that ends the whole grant at Google, Linear and most others), else the access token. GitHub has no
 * RFC 7009 endpoint but deletes a grant through its REST API, authenticated as the OAuth app (client id and
 * secret), so it is revoked that way when the connection has a client secret.
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
		boolean github = connection.provider() == Provider.GITHUB && clientSecret != null;
		if (connection.oauth().revokeUrl() == null && !github) {
			return Outcome.NOT_SUPPORTED;
		}
		try {
			TokenSet tokens = TokenSet.fromJson(tokenSet);
			OAuthClient client = OAuthClient.of(connection, clientSecret);
			if (connection.oauth().revokeUrl() == null) {
				endpoint.deleteGitHubGrant(connection.baseUrl(), client, tokens.accessToken());
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
