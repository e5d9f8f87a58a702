package dev.amk.oauth;

import dev.amk.connections.OAuthDetails.ClientAuth;
import dev.amk.connections.Provider;

import java.util.List;
import java.util.Map;

/**
 * How one provider does OAuth: its endpoints, the scopes worth asking for, and where the signed-in
 * account's name can be found. Endpoints are the public, documented ones; a person can override each
 * (GitHub Enterprise, a test server) when connecting.
 *
 * @param scopeSeparator   how the authorize request joins scopes (RFC 6749 says space; Slack and Linear want commas)
 * @param extraAuthorize   parameters the provider needs to hand out a refresh token or pick the right owner
 */
public record OAuthProfile(Provider provider, String authorizeUrl, String tokenUrl, String deviceUrl, String revokeUrl,
		List<String> defaultScopes, List<ScopeChoice> scopeChoices, String scopeSeparator, Map<String, String> extraAuthorize,
		ClientAuth clientAuth, Identity identity, String registerAt) {

	/** One choice in a scope picker: a label a person understands, and the scopes it stands for. */
	public record ScopeChoice(String label, List<String> scopes, boolean selectedByDefault) {
	}

	/**
	 * Where the account's name is: an API call made with the new access token, or the token response
	 * itself (Slack and Notion put the workspace there). {@code field} is a dotted path into the JSON.
	 */
	public sealed interface Identity {
		record FromApi(String method, String path, String jsonBody, String field) implements Identity {
		}

		record FromTokenResponse(List<String> fields) implements Identity {
		}

		record Unknown() implements Identity {
		}
	}

	/** The same provider at other addresses: GitHub Enterprise, or a test's authorization server and API. */
	public OAuthProfile at(String authorizeUrl, String tokenUrl, String deviceUrl, String revokeUrl) {
		return new OAuthProfile(provider, authorizeUrl, tokenUrl, deviceUrl, revokeUrl, defaultScopes, scopeChoices, scopeSeparator,
				extraAuthorize, clientAuth, identity, registerAt);
	}

	public boolean supportsDeviceFlow() {
		return deviceUrl != null;
	}
}
