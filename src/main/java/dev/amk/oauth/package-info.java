/**
 * OAuth: signing in (loopback redirect with PKCE, device code, pasted redirect), keeping access tokens fresh for
 * the proxy ({@link dev.amk.oauth.TokenManager}), and revoking tokens when a connection is removed. The
 * {@link dev.amk.oauth.Browser} seam keeps opening pages replaceable in tests.
 *
 * <p>Core. May import {@code connections}, {@code secrets}, {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.oauth;
