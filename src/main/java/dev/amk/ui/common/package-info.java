/**
 * Plumbing the UI packages share: running work off the FX thread, batching refreshes, form helpers.
 *
 * <p>May import JavaFX only: no other {@code ui} package and no service.
 */
package dev.amk.ui.common;
