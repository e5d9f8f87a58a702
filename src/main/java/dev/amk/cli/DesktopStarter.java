package dev.amk.cli;

import dev.amk.broker.Broker;

import java.util.Optional;

/**
 * Shows the menu-bar app beside a running broker, for {@code amk app}. The launcher supplies it, so that the
 * command line itself loads no JavaFX.
 */
@FunctionalInterface
public interface DesktopStarter {
	/** No app: the broker serves alone, as with {@code amk serve}. What tests of the command line use. */
	DesktopStarter NONE = broker -> Optional.empty();

	/**
	 * Starts the app and returns at once; empty when there is no display to show it on. When the person quits
	 * it, the process exits (the broker's shutdown hook stops it cleanly).
	 */
	Optional<Shown> start(Broker broker);

	/** Whether {@link #start} would show the app here (a display, not an SSH session). */
	default boolean canShow() {
		return false;
	}

	/** What {@code amk app --json} reports once the app is on screen. */
	interface Shown {
		/** True once the tray icon (or, without a tray, the window) is on screen. */
		boolean isShowing();

		boolean hasTray();
	}
}
