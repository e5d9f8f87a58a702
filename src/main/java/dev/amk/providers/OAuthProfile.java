package dev.amk.providers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one provider does OAuth: its endpoints, the scopes worth asking for, where the signed-in account's name
 * can be found, and its departures from RFC 6749. Endpoints are the public, documented ones; a person can override
 * each (GitHub Enterprise, a test server) when connecting. Build one with {@link #builder}.
 *
 * @param requiredScopes    asked for whatever the person chooses (Google's {@code openid email}: how the broker learns
 *                          whose account it is)
 * @param defaultScopes     asked for when the person chooses none, besides the {@link ScopeChoice}s selected by default
 * @param scopeChoices      the picker the app shows; empty for a fixed list
 * @param scopeSeparator    how the authorize request joins scopes (RFC 6749 says space; Slack and Linear want commas)
 * @param scopeParameter    the authorize parameter that carries them: {@code scope}, or Slack's {@code user_scope}
 * @param extraAuthorize    parameters the provider needs to hand out a refresh token or pick the right owner
 * @param jsonTokenRequests true when the token endpoint takes JSON instead of a form (Notion)
 * @param tokensIn          the token response's object that holds the tokens (Slack's {@code authed_user}); null for the top level
 * @param registerAt        the page where a person registers the OAuth app; null for the generic provider
 * @param redirect          where the browser is sent back to
 * @param deviceNote        what to do first for the device flow, for the Connect dialog; null when nothing
 */
public record OAuthProfile(ProviderSpec provider, String authorizeUrl, String tokenUrl, String deviceUrl, String revokeUrl,
		List<String> requiredScopes, List<String> defaultScopes, List<ScopeChoice> scopeChoices, String scopeSeparator, String scopeParameter,
		Map<String, String> extraAuthorize, ClientAuth clientAuth, boolean jsonTokenRequests, String tokensIn, Identity identity, String registerAt,
		RedirectAddress redirect, Revocation revocation, String deviceNote) {

	public OAuthProfile {
		requiredScopes = List.copyOf(requiredScopes);
		defaultScopes = List.copyOf(defaultScopes);
		scopeChoices = List.copyOf(scopeChoices);
		extraAuthorize = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraAuthorize)); // sent in this order
	}

	/** One choice in a scope picker: a label a person understands, and the scopes it stands for. */
	public record ScopeChoice(String label, List<String> scopes, boolean selectedByDefault) {
		public ScopeChoice {
			scopes = List.copyOf(scopes);
		}
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

	public static Builder builder(ProviderSpec provider) {
		return new Builder(provider);
	}

	/** The same provider at other addresses: GitHub Enterprise, or a test's authorization server and API. */
	public OAuthProfile at(String authorizeUrl, String tokenUrl, String deviceUrl, String revokeUrl) {
		return new OAuthProfile(provider, authorizeUrl, tokenUrl, deviceUrl, revokeUrl, requiredScopes, defaultScopes, scopeChoices,
				scopeSeparator, scopeParameter, extraAuthorize, clientAuth, jsonTokenRequests, tokensIn, identity, registerAt, redirect, revocation,
				deviceNote);
	}

	/** The redirect URI a person registers with the provider. */
	public String redirectToRegister() {
		return redirect.toRegister();
	}

	public boolean supportsDeviceFlow() {
		return deviceUrl != null;
	}

	/** True for the generic provider: the person gives every endpoint and the API's base URL. */
	public boolean endpointsFromPerson() {
		return tokenUrl == null;
	}

	/** What is asked for when the person chooses nothing: the required scopes, the defaults, the picker's preselected choices. */
	public List<String> initialScopes() {
		List<String> scopes = new ArrayList<>(requiredScopes);
		scopes.addAll(defaultScopes);
		scopeChoices.stream().filter(ScopeChoice::selectedByDefault).forEach(c -> scopes.addAll(c.scopes()));
		return scopes.stream().distinct().toList();
	}

	/** Fills a profile field by field; unset fields take the RFC's defaults (space-separated {@code scope}, form posts, client id in the form). */
	public static final class Builder {
		private final ProviderSpec provider;
		private String authorizeUrl;
		private String tokenUrl;
		private String deviceUrl;
		private String revokeUrl;
		private List<String> requiredScopes = List.of();
		private List<String> defaultScopes = List.of();
		private List<ScopeChoice> scopeChoices = List.of();
		private String scopeSeparator = " ";
		private String scopeParameter = "scope";
		private final Map<String, String> extraAuthorize = new LinkedHashMap<>();
		private ClientAuth clientAuth = ClientAuth.POST;
		private boolean jsonTokenRequests;
		private String tokensIn;
		private Identity identity = new Identity.Unknown();
		private String registerAt;
		private RedirectAddress redirect = RedirectAddress.LOOPBACK_IP;
		private Revocation revocation = Revocation.RFC_7009;
		private String deviceNote;

		private Builder(ProviderSpec provider) {
			this.provider = provider;
		}

		public Builder authorize(String url) {
			this.authorizeUrl = url;
			return this;
		}

		public Builder token(String url) {
			this.tokenUrl = url;
			return this;
		}

		public Builder device(String url, String note) {
			this.deviceUrl = url;
			this.deviceNote = note;
			return this;
		}

		public Builder revoke(String url) {
			this.revokeUrl = url;
			return this;
		}

		public Builder requiredScopes(String... scopes) {
			this.requiredScopes = List.of(scopes);
			return this;
		}

		public Builder defaultScopes(String... scopes) {
			this.defaultScopes = List.of(scopes);
			return this;
		}

		public Builder scopeChoices(ScopeChoice... choices) {
			this.scopeChoices = List.of(choices);
			return this;
		}

		public Builder scopesJoinedWith(String separator) {
			this.scopeSeparator = separator;
			return this;
		}

		public Builder scopesIn(String parameter) {
			this.scopeParameter = parameter;
			return this;
		}

		public Builder authorizeParameter(String name, String value) {
			extraAuthorize.put(name, value);
			return this;
		}

		public Builder clientAuth(ClientAuth auth) {
			this.clientAuth = auth;
			return this;
		}

		public Builder jsonTokenRequests() {
			this.jsonTokenRequests = true;
			return this;
		}

		public Builder tokensIn(String field) {
			this.tokensIn = field;
			return this;
		}

		public Builder identity(Identity identity) {
			this.identity = identity;
			return this;
		}

		public Builder registerAt(String page) {
			this.registerAt = page;
			return this;
		}

		public Builder redirect(RedirectAddress redirect) {
			this.redirect = redirect;
			return this;
		}

		public Builder revocation(Revocation revocation) {
			this.revocation = revocation;
			return this;
		}

		public OAuthProfile build() {
			return new OAuthProfile(provider, authorizeUrl, tokenUrl, deviceUrl, revokeUrl, requiredScopes, defaultScopes, scopeChoices,
					scopeSeparator, scopeParameter, extraAuthorize, clientAuth, jsonTokenRequests, tokensIn, identity, registerAt, redirect, revocation,
					deviceNote);
		}
	}
}
