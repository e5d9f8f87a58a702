package dev.amk.activity;

import dev.amk.audit.AuditEvent;
import dev.amk.audit.AuditLog;
import dev.amk.audit.AuditStore;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What each agent has been doing, for the live views: requests and denials today, when it was last seen,
 * and a short feed of the newest audit rows. Fed by the audit writer's committed batches (so it shows
 * exactly what the log holds) and seeded from the log at start. Thread-safe; listeners run on the audit
 * writer thread and must hand work to their own thread.
 */
public final class ActivityTracker {
	/** One agent's day so far. */
	public record AgentActivity(long requestsToday, long deniedToday, Instant lastSeen) {
		static final AgentActivity NONE = new AgentActivity(0, 0, null);

		AgentActivity plus(AuditEvent e) {
			boolean denied = AuditEvent.DENIED.equals(e.decision());
			Instant seen = lastSeen == null || e.time().isAfter(lastSeen) ? e.time() : lastSeen;
			return new AgentActivity(requestsToday + 1, deniedToday + (denied ? 1 : 0), seen);
		}
	}

	private final Clock clock;
	private final ZoneId zone;
	private final int feedSize;
	private final Map<Long, AgentActivity> byAgent = new HashMap<>();
	private final Map<Long, Instant> lastSeenEver = new HashMap<>();
	private final Deque<AuditEvent> feed = new ArrayDeque<>();
	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
	private final List<java.util.function.Consumer<List<AuditEvent>>> eventListeners = new CopyOnWriteArrayList<>();
	private LocalDate day;

	public ActivityTracker(Clock clock, ZoneId zone, int feedSize) {
		this.clock = clock;
		this.zone = zone;
		this.feedSize = feedSize;
	}

	/** Seeds today's counts and the feed from the log, then follows the writer. */
	public ActivityTracker start(AuditStore store, AuditLog log) {
		synchronized (this) {
			day = LocalDate.ofInstant(clock.instant(), zone);
			Instant midnight = day.atStartOfDay(zone).toInstant();
			for (AuditStore.AgentCounts c : store.countsSince(midnight)) {
				byAgent.put(c.agentId(), new AgentActivity(c.requests(), c.denied(), c.last()));
			}
			lastSeenEver.putAll(store.lastUsedByAgentId());
			List<AuditEvent> recent = store.recent(null, feedSize);
			for (int i = recent.size() - 1; i >= 0; i--) {
				feed.addFirst(recent.get(i));
			}
		}
		log.addListener(this::onWritten);
		return this;
	}

	void onWritten(List<AuditEvent> batch) {
		synchronized (this) {
			rollDay();
			for (AuditEvent e : batch) {
				if (e.agentId() != null) {
					byAgent.merge(e.agentId(), AgentActivity.NONE.plus(e), (old, one) -> old.plus(e));
					lastSeenEver.merge(e.agentId(), e.time(), (a, b) -> a.isAfter(b) ? a : b);
				}
				feed.addFirst(e);
				if (feed.size() > feedSize) {
					feed.removeLast();
				}
			}
		}
		listeners.forEach(Runnable::run);
		eventListeners.forEach(l -> l.accept(batch));
	}

	private void rollDay() {
		LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
		if (!today.equals(day)) {
			day = today;
			byAgent.clear();
		}
	}

	/** Today's activity of one agent; last seen reaches back before today. */
	public synchronized AgentActivity of(long agentId) {
		rollDay();
		AgentActivity today = byAgent.getOrDefault(agentId, AgentActivity.NONE);
		Instant ever = lastSeenEver.get(agentId);
		return today.lastSeen() == null && ever != null ? new AgentActivity(today.requestsToday(), today.deniedToday(), ever) : today;
	}

	/** The newest audit rows, newest first. */
	public synchronized List<AuditEvent> feed() {
		return List.copyOf(feed);
	}

	/** Called (on the audit writer thread) after each batch has been counted. */
	public void addListener(Runnable listener) {
		listeners.add(listener);
	}

	/** Called (on the audit writer thread) with each new batch of rows, after they were counted. */
	public void addEventListener(java.util.function.Consumer<List<AuditEvent>> listener) {
		eventListeners.add(listener);
	}
}
