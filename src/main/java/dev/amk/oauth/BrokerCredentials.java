package dev.amk.oauth;

import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;
import dev.amk.secrets.SecretStore;

/** What the proxy injects: API keys straight from the (cached) keychain, OAuth access tokens through the {@link TokenManager}. */
public final class BrokerCredentials implements CredentialSource {
	private final SecretStore secrets;
	private final TokenManager tokens;

	public BrokerCredentials(SecretStore secrets, TokenManager tokens) {
		this.secrets = secrets;
		this.tokens = tokens;
	}

	@Override
	public String credentialFor(Connection connection) {
		return connection.isOAuth() ? tokens.accessToken(connection) : secrets.get(connection.secretRef());
	}

	@Override
	public String afterRejection(Connection connection, String rejected) {
		return connection.isOAuth() ? tokens.afterRejection(connection, rejected) : null;
	}
}
