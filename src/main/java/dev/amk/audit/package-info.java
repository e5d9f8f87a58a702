/**
 * The audit trail: one row per request (never a header, a body or a secret), written off the request path by
 * {@link dev.amk.audit.AuditLog} and read by {@link dev.amk.audit.AuditStore}, in its own SQLite file.
 *
 * <p>Core. May import {@code agents}, {@code db}, {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.audit;
