/**
 * The entry point: {@link dev.amk.launcher.Main} runs the command line and, for {@code amk app}, gives it the
 * {@link dev.amk.launcher.DesktopLauncher} that starts the JavaFX menu-bar app with only the services it uses.
 *
 * <p>The outermost layer, and the only package that knows both the command line and the desktop app: may import
 * {@code cli}, {@code ui.fxapp} and the core. Nothing imports it.
 */
package dev.amk.launcher;
