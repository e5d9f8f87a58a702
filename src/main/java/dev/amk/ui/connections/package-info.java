/**
 * The Connections tab: the connected accounts ({@link dev.amk.ui.connections.ConnectionsModel}), adding,
 * testing and removing them, and the OAuth Connect dialog.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.connections;
