/**
 * The menu-bar app (JavaFX), one subpackage per window or feature; the shared stylesheets live here as resources.
 * The UI reads the registry through {@link dev.amk.access.RegistryView} and changes things only through the
 * services, which make the proxy see a change before they return.
 *
 * <p>Outer layer. Its packages may import the core and one another, without cycles; never {@code cli} or
 * {@code launcher}.
 */
package dev.amk.ui;
