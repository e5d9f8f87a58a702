/**
 * Connected accounts: what a connection is (provider, base URL, how its secret is injected, OAuth details), the
 * providers, setup snippets for agents, and {@link dev.amk.connections.ConnectionService}, which keeps registry
 * rows and keychain items in step and after whose commit the broker's registry reloads.
 *
 * <p>Core. May import {@code db}, {@code secrets}, {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.connections;
