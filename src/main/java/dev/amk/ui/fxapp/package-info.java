/**
 * The app itself: {@link dev.amk.ui.fxapp.DesktopApp} builds the models, the main window and the tray menu from
 * the {@link dev.amk.ui.fxapp.DesktopServices} it is given (never the broker), and
 * {@link dev.amk.ui.fxapp.MainWindow} holds the tabs.
 *
 * <p>May import the core and the other {@code ui} packages (nothing in {@code ui} imports it back).
 */
package dev.amk.ui.fxapp;
