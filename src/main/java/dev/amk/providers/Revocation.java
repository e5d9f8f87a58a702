package dev.amk.providers;

/**
 * How an OAuth grant is withdrawn when its connection is removed. Whatever the kind, a revocation URL the person
 * gave (or the provider's RFC 7009 endpoint in its profile) is used first.
 */
public enum Revocation {
	/** RFC 7009 at the profile's revocation URL, when there is one; otherwise the person withdraws access by hand. */
	RFC_7009,
	/**
	 * GitHub's way: {@code DELETE /applications/{client_id}/grant} on the provider's REST API, authenticated as the
	 * OAuth app, so possible only when the connection has a client secret.
	 */
	DELETE_APP_GRANT
}
