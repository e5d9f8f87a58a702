/**
 * SQLite: opening the registry and audit databases, their migrations, and transactions.
 *
 * <p>Core. May import {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.db;
