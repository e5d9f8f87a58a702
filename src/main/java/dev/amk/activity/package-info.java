/**
 * Today's requests per agent and the recent activity feed, read from the audit store and then followed live
 * from the audit log: what the app's agent list and Activity tab show.
 *
 * <p>Core. May import {@code audit}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX (the UI adapts it).
 */
package dev.amk.activity;
