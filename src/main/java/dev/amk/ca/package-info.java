/**
 * The local certificate authority of proxy mode: {@link dev.amk.ca.LocalCa} makes or loads the CA (its private key
 * only in the keychain, its certificate and a bundle with the system's roots under the data folder),
 * {@link dev.amk.ca.LeafCertificates} issues short-lived leaves per host and caches them, and
 * {@link dev.amk.ca.SniKeyManager} hands a TLS server the leaf for the SNI host it is asked about, and nothing for
 * a host the broker does not intercept. {@link dev.amk.ca.OsTrust} says or makes the OS trust the CA. Bouncy Castle
 * is used only in {@link dev.amk.ca.X509Signing}.
 *
 * <p>Core. May import {@code secrets} and {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.ca;
