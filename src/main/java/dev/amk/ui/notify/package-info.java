/**
 * System notifications a person can act on: denied requests (throttled) and OAuth sign-ins that died.
 *
 * <p>May import the core; no JavaFX needed (where a notice goes is a {@code SystemNotifier} given to it).
 */
package dev.amk.ui.notify;
