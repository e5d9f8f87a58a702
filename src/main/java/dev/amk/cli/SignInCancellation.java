package dev.amk.cli;

import dev.amk.common.ErrorType;
import dev.amk.common.Json;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C and SIGTERM during a browser sign-in ({@code connection connect}, {@code mcp add}): they run shutdown hooks,
 * so this one cancels the attempt, then gives it a moment to close its listener and say so, and the process never ends
 * half-way through storing. Open for the length of the attempt.
 */
final class SignInCancellation implements AutoCloseable {
	private final AtomicBoolean signalled = new AtomicBoolean();
	private final CountDownLatch finished = new CountDownLatch(1);
	private final Thread hook;

	SignInCancellation(Runnable cancel, String threadName) {
		hook = new Thread(() -> {
			signalled.set(true);
			cancel.run();
			try {
				finished.await(10, TimeUnit.SECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}, threadName);
		Runtime.getRuntime().addShutdownHook(hook);
	}

	/** Whether the attempt failed because the person stopped it (then {@link #reportCancelled}), not for a reason of its own. */
	boolean signalled() {
		return signalled.get();
	}

	/** Says on stderr that nothing was stored; the exit status of a cancelled sign-in. */
	int reportCancelled(CliContext ctx, boolean json) {
		ctx.err().println(json ? Json.error(ErrorType.OAUTH_CANCELLED.type(), "The sign-in was cancelled; nothing was stored.")
				: "amk: The sign-in was cancelled; nothing was stored.");
		ctx.err().flush();
		return ConnectCommand.EXIT_CANCELLED;
	}

	@Override
	public void close() {
		finished.countDown();
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		} catch (IllegalStateException e) {
			// the JVM is already shutting down: the hook is running or has run
		}
	}
}
