package dev.amk.ui.common;

import javafx.application.Platform;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns any number of change notifications, from any thread, into at most one pending run of
 * {@code action} on the FX thread: under a flood of requests the views refresh once per FX turn instead of
 * once per request, and the FX thread is never blocked by the broker.
 */
public final class FxBatcher {
	private final Runnable action;
	private final AtomicBoolean pending = new AtomicBoolean();

	public FxBatcher(Runnable action) {
		this.action = action;
	}

	public void request() {
		if (pending.compareAndSet(false, true)) {
			Platform.runLater(() -> {
				pending.set(false);
				action.run();
			});
		}
	}
}
