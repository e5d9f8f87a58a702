/**
 * The approval sheet: each request held under a {@code CONN:ask:…} rule is shown in a window of its own (agent,
 * connection, method, path, the body's readable summary) with approve once, approve for 10 minutes and deny, and
 * announced by a system notification. The app attaches {@link dev.amk.ui.approvals.ApprovalPrompter} to the core's
 * {@link dev.amk.approvals.ApprovalService} as its one answerer.
 *
 * <p>May import the core, {@code ui.common} and {@code ui.notify}.
 */
package dev.amk.ui.approvals;
