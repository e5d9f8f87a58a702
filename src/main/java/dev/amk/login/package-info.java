/**
 * Launch at login: a macOS LaunchAgent or an XDG autostart entry, kept pointing at the installed app.
 *
 * <p>Core. May import {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.login;
