package dev.amk.proxy;

import okhttp3.internal.concurrent.TaskRunner;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs OkHttp's connection-pool clean-up (closing connections idle for too long or beyond the pool's size) at most about
 * once per {@link #LAG} while requests keep coming, instead of once per request.
 *
 * <p>Every connection handed back to the pool moves the clean-up task to "now" and notifies the task coordinator, so a
 * sequential client woke a thread (and ran the clean-up, and re-armed a timed wait) for every request it sent: a
 * context switch and a timer per request on the core the requests share. Nothing about that clean-up is urgent: a
 * connection closed a second after it should have been costs nothing. So this backend delivers a notification only if
 * none was delivered in the last {@link #LAG}; while notifications keep arriving, the coordinator's waits are capped at
 * {@link #LAG}, which picks up what was not delivered. A quiet pool waits as OkHttp asks (the next keep-alive expiry):
 * no wake-ups when nothing happens.
 *
 * <p>Only the pool's {@link TaskRunner} gets this backend. The client's own one (HTTP/2 readers, fast-fallback
 * connects: work a request waits for) keeps OkHttp's prompt notifications.
 *
 * <p>Both methods below are called by {@link TaskRunner} with its lock held, so the two times need no other guard.
 */
final class PoolHousekeeping implements TaskRunner.Backend {
	static final long LAG = TimeUnit.SECONDS.toNanos(1);

	private final TaskRunner.Backend real;
	private long lastNotified = Long.MIN_VALUE / 2;
	private long lastKicked = Long.MIN_VALUE / 2;

	/** @param real OkHttp's backend, which this one passes on to (threads, waits, notifications) */
	PoolHousekeeping(TaskRunner.Backend real) {
		this.real = real;
	}

	/** A task runner for one connection pool's clean-up, on {@code threads}. */
	static TaskRunner taskRunner(ThreadFactory threads) {
		return taskRunner(new TaskRunner.RealBackend(threads));
	}

	static TaskRunner taskRunner(TaskRunner.Backend real) {
		return new TaskRunner(new PoolHousekeeping(real), java.util.logging.Logger.getLogger(TaskRunner.class.getName()));
	}

	@Override
	public void coordinatorNotify(TaskRunner taskRunner) {
		long now = nanoTime();
		lastKicked = now;
		if (now - lastNotified >= LAG) {
			lastNotified = now;
			real.coordinatorNotify(taskRunner);
		}
	}

	@Override
	public void coordinatorWait(TaskRunner taskRunner, long nanos) {
		// A notification held back within LAG of the last one reaches a coordinator already in a wait that this cap ends.
		boolean kickedLately = nanoTime() - lastKicked < LAG;
		// An interruption passes through as OkHttp's own backend throws it (TaskRunner catches it and cancels its tasks).
		real.coordinatorWait(taskRunner, kickedLately ? Math.min(nanos, LAG) : nanos);
	}

	@Override
	public long nanoTime() {
		return real.nanoTime();
	}

	@Override
	public <T> BlockingQueue<T> decorate(BlockingQueue<T> queue) {
		return real.decorate(queue);
	}

	@Override
	public void execute(TaskRunner taskRunner, Runnable runnable) {
		real.execute(taskRunner, runnable);
	}
}
