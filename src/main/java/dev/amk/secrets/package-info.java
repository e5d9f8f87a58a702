/**
 * Where real secrets live: the {@link dev.amk.secrets.SecretStore} interface, the OS keychain behind it
 * (java-keyring), and the broker's in-memory cache in front of it.
 *
 * <p>Core. May import {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.secrets;
