/**
 * Who may do what, now: the {@link dev.amk.access.AccessSnapshot} of agents, grants and connections (one commit
 * of the registry), the {@link dev.amk.access.AccessRegistry} that keeps it current (in-process reloads and
 * other processes' commits alike), the read-only {@link dev.amk.access.RegistryView} the UI gets, and the
 * access policy that decides a request.
 *
 * <p>Core. May import {@code agents}, {@code connections}, {@code db}, {@code common}; never {@code ui},
 * {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.access;
