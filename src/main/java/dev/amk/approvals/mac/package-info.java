/**
 * macOS proof of presence for approvals: Touch ID, or the login password where there is no Touch ID, through
 * LocalAuthentication ({@code LAContext}) called with JNA and the Objective-C runtime. {@link
 * dev.amk.approvals.mac.TouchIdPresence} is the {@link dev.amk.approvals.PersonPresence} the wiring picks on macOS;
 * the native calls stay in the package-private {@code LocalAuthentication} (loaded on first use) and
 * {@code ReplyBlocks} (the Objective-C reply block, built in native memory).
 *
 * <p>Core. May import {@code approvals} and JNA; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.approvals.mac;
