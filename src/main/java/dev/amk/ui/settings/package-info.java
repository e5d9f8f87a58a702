/**
 * The Settings tab: proxy port, launch at login, notifications.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.settings;
