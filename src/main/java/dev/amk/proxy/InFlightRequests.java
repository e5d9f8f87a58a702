package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.Authorisation;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.access.Target;
import okhttp3.Call;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every request currently being forwarded, so that it can be cut the moment its permission ends (revoke,
 * rotate, delete, expiry, grant removed), so that silent upstreams and too slow uploads are timed out, and so
 * that no agent (nor all of them together) runs more requests at once than {@link ProxySettings.Limits} allows.
 *
 * <p>Timeouts are enforced here, by one sweeper thread reading a timestamp per request, instead of by
 * OkHttp's per-call read timeouts: those cost about 30 µs of CPU per request (measured on this machine),
 * while a volatile write per chunk costs nothing.
 */
final class InFlightRequests implements AutoCloseable {
	/** What cut a request; the handler turns it into the answer or the audit reason. */
	enum Cut {
		ACCESS_ENDED, FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT, UPLOAD_TOO_SLOW, SHUTDOWN
	}

	/**
	 * One running request: who asked for what, to authorise again, and the call to cancel. Tracked from the
	 * moment it is allowed, before its body is read or a token refreshed: revocation and the limits must see that
	 * work too. The upstream call is attached once it exists.
	 */
	static final class Entry {
		final Caller caller;
		final Target target;
		volatile Call call;
		volatile long lastActivityNanos = System.nanoTime();
		volatile boolean streaming;
		volatile Cut cut;
		/** Why access ended, when {@link #cut} is {@link Cut#ACCESS_ENDED}. */
		volatile Refusal refusal;
		/** When the agent's body began to arrive (System.nanoTime), or 0 when no upload is in progress. */
		volatile long uploadStartNanos;
		/** Bytes of the body read so far; written by the request's thread only. */
		volatile long uploadedBytes;
		/** Fails the blocked read of the agent's body, when the upload is cut. */
		volatile Runnable abortUpload;
		/** Ends what a cut must end besides the call: a WebSocket the request became ({@link WebSocketRelay}). */
		volatile Runnable onCut;

		Entry(Caller caller, Target target) {
			this.caller = caller;
			this.target = target;
		}

		/** Sends the request with {@code c}; a request cut before it had a call is cancelled at once. */
		void attach(Call c) {
			call = c;
			touch(); // the upstream's time to answer starts now, also for the retry after a refresh
			if (cut != null) {
				c.cancel();
			}
		}

		void touch() {
			lastActivityNanos = System.nanoTime();
		}

		void uploadStarted(Runnable abort) {
			abortUpload = abort;
			uploadedBytes = 0;
			uploadStartNanos = System.nanoTime();
		}

		void uploaded(long n) {
			uploadedBytes += n;
			touch();
		}

		void uploadEnded() {
			uploadStartNanos = 0;
		}

		void cancel() {
			Call c = call;
			if (c != null) {
				c.cancel();
			}
		}

		void cut(Cut why) {
			if (cut == null) {
				cut = why;
			}
			cancel();
			Runnable abort = abortUpload;
			if (why == Cut.UPLOAD_TOO_SLOW && abort != null) {
				abort.run();
			}
			Runnable after = onCut;
			if (after != null) {
				after.run();
			}
		}
	}

	private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
	private final Clock clock;
	private final Supplier<AccessSnapshot> snapshots;
	private final long firstByteNanos;
	private final long idleNanos;
	private final ProxySettings.Limits limits;
	private final long uploadGraceNanos;
	private final AtomicInteger running = new AtomicInteger();
	private volatile Runnable wake = () -> { };
	private final Map<Long, AtomicInteger> runningByAgent = new ConcurrentHashMap<>();
	private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "amk-inflight-sweeper");
		t.setDaemon(true);
		return t;
	});

	InFlightRequests(Clock clock, Supplier<AccessSnapshot> snapshots, Duration firstByteTimeout, Duration idleTimeout, Duration sweepInterval) {
		this(clock, snapshots, firstByteTimeout, idleTimeout, sweepInterval, ProxySettings.Limits.DEFAULTS);
	}

	InFlightRequests(Clock clock, Supplier<AccessSnapshot> snapshots, Duration firstByteTimeout, Duration idleTimeout, Duration sweepInterval,
			ProxySettings.Limits limits) {
		this.clock = clock;
		this.snapshots = snapshots;
		this.firstByteNanos = firstByteTimeout.toNanos();
		this.idleNanos = idleTimeout.toNanos();
		this.limits = limits;
		this.uploadGraceNanos = limits.uploadGrace().toNanos();
		sweeper.scheduleWithFixedDelay(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Runs when the first request starts after none ran: the registry's watcher, parked for its idle interval, must start
	 * its quick polls now, or a revocation made by another process could wait out that interval before cutting the request.
	 */
	void onBusy(Runnable wake) {
		this.wake = wake;
	}

	/** Tracks {@code e}, unless that would pass the global or the agent's cap on concurrent requests. */
	boolean tryAdd(Entry e) {
		int now = running.incrementAndGet();
		if (now > limits.maxConcurrentUpstream()) {
			running.decrementAndGet();
			return false;
		}
		AtomicInteger agent = runningByAgent.computeIfAbsent(e.caller.agentId(), id -> new AtomicInteger());
		if (agent.incrementAndGet() > limits.maxConcurrentPerAgent()) {
			agent.decrementAndGet();
			running.decrementAndGet();
			return false;
		}
		entries.add(e);
		if (now == 1) {
			wake.run(); // after the add: the woken watcher must see a request running
		}
		return true;
	}

	/** Tracks {@code e} whatever the caps (tests of the sweeper). */
	void add(Entry e) {
		boolean first = running.incrementAndGet() == 1;
		runningByAgent.computeIfAbsent(e.caller.agentId(), id -> new AtomicInteger()).incrementAndGet();
		entries.add(e);
		if (first) {
			wake.run();
		}
	}

	void remove(Entry e) {
		if (entries.remove(e)) {
			running.decrementAndGet();
			runningByAgent.get(e.caller.agentId()).decrementAndGet();
		}
	}

	int size() {
		return entries.size();
	}

	/** Re-checks every running request against a new registry snapshot. */
	void onSnapshot(AccessSnapshot snapshot) {
		for (Entry e : entries) {
			recheck(e, snapshot);
		}
	}

	/** The same decision as when the request arrived, on the new snapshot and at the current time. */
	private void recheck(Entry e, AccessSnapshot snapshot) {
		if (Authorisation.authorise(snapshot, e.caller, e.target, clock.instant()) instanceof Refusal refusal) {
			e.refusal = refusal;
			e.cut(Cut.ACCESS_ENDED);
		}
	}

	private void sweep() {
		if (entries.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		for (Entry e : entries) {
			long silent = now - e.lastActivityNanos;
			long uploadStart = e.uploadStartNanos;
			if (uploadStart != 0 && uploadTooSlow(now - uploadStart, e.uploadedBytes)) {
				e.cut(Cut.UPLOAD_TOO_SLOW);
			} else if (!e.streaming && silent > firstByteNanos) {
				e.cut(Cut.FIRST_BYTE_TIMEOUT);
			} else if (e.streaming && silent > idleNanos) {
				e.cut(Cut.IDLE_TIMEOUT);
			} else {
				recheck(e, snapshots.get()); // catches expiry, which no registry change announces
			}
		}
	}

	private boolean uploadTooSlow(long elapsedNanos, long bytes) {
		return elapsedNanos > uploadGraceNanos && bytes * 1_000_000_000.0 / elapsedNanos < limits.minUploadBytesPerSecond();
	}

	/** Cuts everything still running (after the graceful stop period). */
	void cutAll() {
		entries.forEach(e -> e.cut(Cut.SHUTDOWN));
	}

	@Override
	public void close() {
		sweeper.shutdownNow();
	}
}
