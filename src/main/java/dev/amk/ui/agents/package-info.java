/**
 * The Agents tab and its dialogs: the live agent list ({@link dev.amk.ui.agents.AgentsModel}), create, edit
 * grants and expiry, rotate, delete ({@link dev.amk.ui.agents.AgentActions}), and the one-time key screen.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.agents;
