/**
 * Agents and their grants: identities, keys (generated, shown once, stored only as hashes, compared in constant
 * time), grant rules and path globs, and {@link dev.amk.agents.AgentService}, through which every change is
 * made and after whose commit the broker's registry reloads.
 *
 * <p>Core. May import {@code connections}, {@code db}, {@code common}; never {@code ui}, {@code cli},
 * {@code launcher} or JavaFX.
 */
package dev.amk.agents;
