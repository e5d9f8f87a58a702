/**
 * Agent controls that hold under streaming (issue 15): requests per minute and concurrent requests per agent and per
 * agent on one connection, model allow-lists, and usage read from LLM answers as they stream past, priced from a dated table and summed
 * per agent and day, with budgets checked before each request. {@link dev.amk.limits.AgentControls} is what the
 * proxy calls; the limits themselves are stored with the agent ({@link dev.amk.agents.AgentLimits}) and reach
 * the proxy in the registry snapshot, so a request costs no database call.
 *
 * <p>Core. May import {@code access}, {@code agents}, {@code audit}, {@code db}, {@code common}; never
 * {@code proxy}, {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.limits;
