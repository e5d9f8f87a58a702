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
 * @param scopeParameter   the authorize parameter that carries them: {@code scope}, or Slack's {@code user_scope}
 * @param extraAuthorize   parameters the provider needs to hand out a refresh token or pick the right owner
 * @param redirect         where the browser is sent back to
 */
public record OAuthProfile(Provider provider, String authorizeUrl, String tokenUrl, String deviceUrl, String revokeUrl,
		List<String> defaultScopes, List<ScopeChoice> scopeChoices, String scopeSeparator, String scopeParameter,
		Map<String, String> extraAuthorize, ClientAuth clientAuth, Identity identity, String registerAt, LoopbackRedirect.Redirect redirect) {

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
				scopeParameter, extraAuthorize, clientAuth, identity, registerAt, redirect);
	}

	/** The redirect URI a person registers with the provider. */
	public String redirectToRegister() {
		return "http://" + redirect.host() + (redirect.port() == 0 ? "" : ":" + redirect.port()) + LoopbackRedirect.PATH;
	}

	public boolean supportsDeviceFlow() {
		return deviceUrl != null;
	}
}
