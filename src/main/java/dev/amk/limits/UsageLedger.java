package dev.amk.limits;

import dev.amk.audit.AuditLog;
import dev.amk.db.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each agent's usage today and this month, in memory for the budget check before every request, and on disk in
 * {@code usage_daily}, written in the audit writer's batches ({@link AuditLog.BatchPart}) rather than a commit per
 * request. Loaded from disk at start, so totals survive a restart. Days and months are UTC.
 */
public final class UsageLedger implements AuditLog.BatchPart {
	private static final System.Logger LOG = System.getLogger(UsageLedger.class.getName());

	/** An agent's running totals; a new day or month starts from zero. */
	public record Totals(LocalDate day, long dayCostMicroUsd, long dayTokens, LocalDate monthStart, long monthCostMicroUsd) {
		static Totals empty(LocalDate today) {
			return new Totals(today, 0, 0, today.withDayOfMonth(1), 0);
		}

		Totals on(LocalDate today) {
			if (today.equals(day)) {
				return this;
			}
			LocalDate month = today.withDayOfMonth(1);
			return new Totals(today, 0, 0, month, month.equals(monthStart) ? monthCostMicroUsd : 0);
		}

		Totals plus(LocalDate today, long cost, long tokens) {
			Totals t = on(today);
			return new Totals(today, t.dayCostMicroUsd + cost, t.dayTokens + tokens, t.monthStart, t.monthCostMicroUsd + cost);
		}
	}

	private record Key(long agentId, LocalDate day) {
	}

	private final Database db;
	private final Clock clock;
	private final Map<Long, Totals> totals = new ConcurrentHashMap<>();
	private final Map<Key, UsageStore.Day> pending = new ConcurrentHashMap<>();
	/** What the running batch wrote: put back if it rolls back. Writer thread only. */
	private final List<UsageStore.Day> inBatch = new ArrayList<>();

	/** @param db the audit database, or null to keep totals in memory only (a proxy built without a broker, in tests) */
	public UsageLedger(Database db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** Reads this month's totals from disk. */
	public UsageLedger load() {
		if (db == null) {
			return this;
		}
		LocalDate today = today();
		Map<Long, Totals> loaded = new HashMap<>();
		for (UsageStore.Day d : db.read(c -> UsageStore.since(c, today.withDayOfMonth(1)))) {
			Totals t = loaded.getOrDefault(d.agentId(), Totals.empty(today));
			boolean isToday = d.day().equals(today);
			loaded.put(d.agentId(), new Totals(today, t.dayCostMicroUsd() + (isToday ? d.costMicroUsd() : 0),
					t.dayTokens() + (isToday ? d.totalTokens() : 0), t.monthStart(), t.monthCostMicroUsd() + d.costMicroUsd()));
		}
		totals.putAll(loaded);
		return this;
	}

	LocalDate today() {
		return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
	}

	/** The agent's totals as of now. */
	public Totals totals(long agentId) {
		LocalDate today = today();
		Totals t = totals.get(agentId);
		return t == null ? Totals.empty(today) : t.on(today);
	}

	/** Adds one metered answer; returns the agent's totals after it. */
	Totals add(long agentId, Usage usage, long costMicroUsd, boolean unpriced) {
		LocalDate today = today();
		UsageStore.Day d = new UsageStore.Day(agentId, today, 1, usage.inputTokens(), usage.outputTokens(), costMicroUsd, usage.estimated() ? 1 : 0,
				unpriced ? 1 : 0);
		if (db != null) {
			pending.merge(new Key(agentId, today), d, UsageStore.Day::plus);
		}
		return totals.compute(agentId, (id, t) -> (t == null ? Totals.empty(today) : t).plus(today, costMicroUsd, usage.totalTokens()));
	}

	/**
	 * The agent's last {@code days} UTC days, today included, oldest first, a day without use as zeros: for the app's chart.
	 * Reads the database (blocking); without one, only today, from memory.
	 */
	public List<UsageStore.Day> recentDays(long agentId, int days) {
		LocalDate today = today();
		LocalDate from = today.minusDays(days - 1L);
		Map<LocalDate, UsageStore.Day> stored = new HashMap<>();
		if (db != null) {
			for (UsageStore.Day d : db.read(c -> UsageStore.since(c, from))) {
				if (d.agentId() == agentId) {
					stored.put(d.day(), d);
				}
			}
		}
		UsageStore.Day pendingToday = pending.get(new Key(agentId, today)); // not yet written by the audit writer
		List<UsageStore.Day> result = new ArrayList<>();
		for (LocalDate day = from; !day.isAfter(today); day = day.plusDays(1)) {
			UsageStore.Day d = stored.getOrDefault(day, new UsageStore.Day(agentId, day, 0, 0, 0, 0, 0, 0));
			result.add(day.equals(today) && pendingToday != null ? d.plus(pendingToday) : d);
		}
		return result;
	}

	@Override
	public void write(Connection c) throws SQLException {
		for (Key k : pending.keySet()) {
			UsageStore.Day d = pending.remove(k);
			if (d != null) {
				inBatch.add(d);
				UsageStore.add(c, d);
			}
		}
	}

	@Override
	public void rolledBack() {
		for (UsageStore.Day d : inBatch) {
			pending.merge(new Key(d.agentId(), d.day()), d, UsageStore.Day::plus);
		}
		inBatch.clear();
		LOG.log(System.Logger.Level.WARNING, "Usage totals will be written with the next batch");
	}

	@Override
	public void committed() {
		inBatch.clear();
	}
}
