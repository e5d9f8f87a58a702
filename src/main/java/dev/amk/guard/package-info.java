/**
 * Controls that watch what an agent sends, whatever it was granted: the exfiltration tripwire, which finds the
 * real secrets the broker holds (and other agents' keys) in a request's URL, headers and streamed body with one
 * Aho-Corasick automaton over every form of every secret.
 *
 * <p>Core. May import {@code agents}, {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 * The secrets come in as plain strings from the wiring ({@code broker.Services}), so this package knows neither the
 * keychain nor OAuth.
 */
package dev.amk.guard;
