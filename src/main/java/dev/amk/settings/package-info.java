/**
 * The app's settings file in the data folder (proxy port, notifications).
 *
 * <p>Core. May import {@code proxy} (its default port), {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.settings;
