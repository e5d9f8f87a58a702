package dev.amk.connections;

import dev.amk.providers.ClientAuth;
import okhttp3.HttpUrl;

import java.time.Instant;
import java.util.List;

/**
 * What the registry knows about an OAuth connection: where its authorization server is, which client it
 * signs in as, and the state of the grant. Nothing here is secret; the token set is the keychain item under
 * the connection's {@code secretRef}, the client secret (if any) the one under {@link #clientSecretRef}.
 *
 * @param authorizeUrl   the authorization endpoint; null when the connection was made with the device flow only
 * @param deviceUrl      the RFC 8628 device authorization endpoint, when the provider has one
 * @param revokeUrl      the RFC 7009 revocation endpoint, when the provider has one
 * @param accessExpiresAt when the current access token expires; null when the provider gave no lifetime
 */
public record OAuthDetails(HttpUrl authorizeUrl, HttpUrl tokenUrl, HttpUrl deviceUrl, HttpUrl revokeUrl, String clientId,
		String clientSecretRef, ClientAuth clientAuth, List<String> scopesRequested, List<String> scopesGranted, String identity,
		Instant accessExpiresAt, Status status, String statusDetail) {

	public enum Status {
		CONNECTED("connected"),
		/** The provider refused the refresh token (revoked, expired): only the person can fix it, by signing in again. */
		NEEDS_RECONNECT("needs_reconnect");

		private final String column;

		Status(String column) {
			this.column = column;
		}

		public String column() {
			return column;
		}

		public static Status fromColumn(String column) {
			return "needs_reconnect".equals(column) ? NEEDS_RECONNECT : CONNECTED;
		}
	}

	public OAuthDetails {
		scopesRequested = List.copyOf(scopesRequested);
		scopesGranted = scopesGranted == null ? null : List.copyOf(scopesGranted);
	}

	public boolean needsReconnect() {
		return status == Status.NEEDS_RECONNECT;
	}

	/** The scopes the provider said it granted, or, when it said nothing, the ones asked for. */
	public List<String> effectiveScopes() {
		return scopesGranted != null ? scopesGranted : scopesRequested;
	}

	public OAuthDetails withGrant(List<String> granted, String identity, Instant accessExpiresAt) {
		return new OAuthDetails(authorizeUrl, tokenUrl, deviceUrl, revokeUrl, clientId, clientSecretRef, clientAuth, scopesRequested,
				granted, identity, accessExpiresAt, Status.CONNECTED, null);
	}
}
