package dev.amk.approvals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Holds requests that need a person's approval until the app answers. The proxy calls {@link #await}; the app,
 * attached with {@link #attach}, is told of each request and answers with {@link #answer}. Without an attached app
 * (headless {@code amk serve}) nobody can answer, so such requests are refused at once rather than left to time out.
 *
 * <p>"Approve for 10 minutes" lets the same agent make requests under the same rule on the same connection without
 * asking again until the window ends; it is kept in memory only, so a restart forgets it. Time comes from the
 * injected clock (the timeout too), so tests can move it.
 */
public final class ApprovalService {
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
	public static final Duration APPROVAL_WINDOW = Duration.ofMinutes(10);
	/** How often a waiting request looks at the clock and at whether it was cut meanwhile. */
	private static final long SLICE_MILLIS = 50;

	/** The person's answer. */
	public enum Answer { APPROVE_ONCE, APPROVE_10_MINUTES, DENY }

	/** What became of a held request. */
	public enum Outcome {
		APPROVED,
		DENIED,
		TIMED_OUT,
		/** No app was running to ask. */
		NO_APP,
		/** The app closed while the request waited. */
		APP_CLOSED,
		/** The request ended before an answer (cut by a revocation, or the broker stopping). */
		ABANDONED
	}

	/**
	 * A request waiting for an answer, as the app shows it.
	 *
	 * @param rule        the approval rule it matched, as the CLI writes it (ask:POST:/repos/**)
	 * @param bodySummary what the body says, readable and with secrets masked ({@link BodySummary})
	 */
	public record Pending(long id, long agentId, String agent, String connection, String method, String path, String rule, String bodySummary,
			Instant askedAt, Instant deadline) {
	}

	/** The app's side: told of each new request and of each that no longer waits (answered, timed out, abandoned). */
	public interface Answerer {
		void asked(Pending request);

		void settled(long id);
	}

	private final Clock clock;
	private final Duration timeout;
	private final AtomicLong ids = new AtomicLong();
	private final Map<Long, Waiting> waiting = new LinkedHashMap<>();
	private final Map<String, Instant> approvedUntil = new HashMap<>();
	private Answerer answerer;

	private record Waiting(Pending pending, CompletableFuture<Outcome> outcome, String windowKey) {
	}

	public ApprovalService(Clock clock, Duration timeout) {
		this.clock = clock;
		this.timeout = timeout;
	}

	/** The app starts answering; {@link #detach} (the app closing) refuses whatever still waits. */
	public synchronized void attach(Answerer app) {
		this.answerer = app;
	}

	public void detach(Answerer app) {
		List<Waiting> refused;
		synchronized (this) {
			if (answerer != app) {
				return;
			}
			answerer = null;
			refused = new ArrayList<>(waiting.values());
		}
		refused.forEach(w -> w.outcome().complete(Outcome.APP_CLOSED));
	}

	public synchronized boolean hasAnswerer() {
		return answerer != null;
	}

	/** The requests waiting now, oldest first. */
	public synchronized List<Pending> pending() {
		return waiting.values().stream().map(Waiting::pending).toList();
	}

	/** The app's answer to request {@code id}; an answer to a request that no longer waits changes nothing. */
	public void answer(long id, Answer answer) {
		Waiting w;
		synchronized (this) {
			w = waiting.get(id);
			if (w == null) {
				return;
			}
			if (answer == Answer.APPROVE_10_MINUTES) {
				approvedUntil.put(w.windowKey(), clock.instant().plus(APPROVAL_WINDOW));
			}
		}
		w.outcome().complete(answer == Answer.DENY ? Outcome.DENIED : Outcome.APPROVED);
	}

	/**
	 * Holds the calling (virtual) thread until the request is answered, times out, or {@code abandoned} says it ended.
	 *
	 * @param keepAlive called while waiting, so that the proxy does not take the held request for a silent upstream
	 */
	public Outcome await(long agentId, String agent, String connection, String method, String path, String rule, String bodySummary,
			BooleanSupplier abandoned, Runnable keepAlive) {
		String windowKey = agentId + "\n" + connection + "\n" + rule;
		Waiting w;
		Answerer app;
		synchronized (this) {
			Instant until = approvedUntil.get(windowKey);
			Instant now = clock.instant();
			if (until != null && now.isBefore(until)) {
				return Outcome.APPROVED;
			}
			if (answerer == null) {
				return Outcome.NO_APP;
			}
			Pending p = new Pending(ids.incrementAndGet(), agentId, agent, connection, method, path, rule, bodySummary, now, now.plus(timeout));
			w = new Waiting(p, new CompletableFuture<>(), windowKey);
			waiting.put(p.id(), w);
			app = answerer;
		}
		try {
			app.asked(w.pending());
			return waitFor(w, abandoned, keepAlive);
		} finally {
			synchronized (this) {
				waiting.remove(w.pending().id());
			}
			app.settled(w.pending().id());
		}
	}

	private Outcome waitFor(Waiting w, BooleanSupplier abandoned, Runnable keepAlive) {
		while (true) {
			try {
				return w.outcome().get(SLICE_MILLIS, TimeUnit.MILLISECONDS);
			} catch (TimeoutException stillWaiting) {
				if (abandoned.getAsBoolean()) {
					return Outcome.ABANDONED;
				}
				if (!clock.instant().isBefore(w.pending().deadline())) {
					return Outcome.TIMED_OUT;
				}
				keepAlive.run();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return Outcome.ABANDONED;
			} catch (ExecutionException e) {
				return Outcome.DENIED;
			}
		}
	}
}
