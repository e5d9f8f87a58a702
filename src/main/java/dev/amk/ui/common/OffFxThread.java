package dev.amk.ui.common;

import javafx.application.Platform;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Work that must not run on the FX thread (SQLite, the keychain, the network), handed back to it when done. The
 * models' actions all go through here, so they agree on the order of what follows a change.
 */
public final class OffFxThread {
	private OffFxThread() {
	}

	/**
	 * Runs {@code work} on {@code executor} (a service call, which has made the proxy see its change by the time it
	 * returns); then, on the FX thread and whatever happened, {@code onFx} (a list refresh, so the caller's next step
	 * reads updated rows) and only then completes the returned future, there too, so callers may touch controls. A
	 * failure completes it exceptionally with what {@code work} threw.
	 */
	public static <T> CompletableFuture<T> call(Executor executor, Callable<T> work, Runnable onFx) {
		CompletableFuture<T> done = new CompletableFuture<>();
		executor.execute(() -> {
			T value = null;
			Throwable failure = null;
			try {
				value = work.call();
			} catch (Throwable t) {
				failure = t;
			}
			T v = value;
			Throwable f = failure;
			Platform.runLater(() -> {
				try {
					onFx.run();
				} finally {
					if (f != null) {
						done.completeExceptionally(f);
					} else {
						done.complete(v);
					}
				}
			});
		});
		return done;
	}
}
