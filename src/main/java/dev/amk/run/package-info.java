/**
 * {@code amk run}: what a tool started with an agent's child key finds in its environment ({@link dev.amk.run.ToolEnvironment},
 * which the app can show too) and the lease that keeps that key alive only while the tool runs ({@link dev.amk.run.KeyLease}).
 *
 * <p>Core. May import {@code agents}, {@code connections}, {@code providers}, {@code proxy} (its environment list), {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.run;
