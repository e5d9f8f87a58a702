/**
 * The Settings tab: proxy port, launch at login, notifications, serving containers, the local CA.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.settings;
