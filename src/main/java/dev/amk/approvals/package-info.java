/**
 * Approvals: requests an agent may make only once a person says yes ({@code CONN:ask:METHODS:PATHS} rules). The
 * {@link dev.amk.approvals.ApprovalService} holds each such request until the menu-bar app, the only answerer, says
 * approve once, approve for 10 minutes, or deny, or until the timeout. It is an in-process service: there is no HTTP
 * route or command an agent could use to answer its own request. {@link dev.amk.approvals.PersonPresence} is where a
 * platform's proof that a person is at the machine (Touch ID) plugs in.
 *
 * <p>Core. May import {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.approvals;
