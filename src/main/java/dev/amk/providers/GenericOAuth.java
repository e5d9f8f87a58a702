package dev.amk.providers;

import java.util.Optional;

/** Any OAuth 2.0 API: the person gives the endpoints and the API's base URL; tokens go as Bearer. */
public final class GenericOAuth extends BaseProvider {
	private final OAuthProfile oauth = OAuthProfile.builder(this).build();

	GenericOAuth() {
		super("oauth", "OAuth 2.0 API", null, SpecParts.BEARER, Probe.baseUrl());
	}

	@Override
	public Optional<OAuthProfile> oauth() {
		return Optional.of(oauth);
	}

	/** Its tokens must be refreshed by the broker: it connects by signing in. */
	@Override
	public boolean takesApiKey() {
		return false;
	}
}
