/**
 * The Activity tab: the live feed of recent requests.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.activity;
