/**
 * The menu-bar icon and its menu (FXTrayIcon), rebuilt from the agents model whenever it changes.
 *
 * <p>May import the core, {@code ui.common} and {@code ui.agents}; not {@code ui.fxapp}, which creates it (the
 * window is opened through a callback).
 */
package dev.amk.ui.tray;
