package dev.amk.ui.agents;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.RegistryView;
import dev.amk.activity.ActivityTracker;
import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.limits.UsageLedger;
import dev.amk.agents.AgentService;
import dev.amk.common.AmkException;
import dev.amk.ui.common.FxBatcher;
import dev.amk.ui.common.OffFxThread;
import dev.amk.ui.common.RowLists;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The live agent list behind the window and the tray menu: rows follow the registry (CLI changes included)
 * and the audit log, batched onto the FX thread. Changes the user asks for (revoke, enable, pause all) run
 * on a background executor and reach the proxy before the call's effects are shown.
 */
public final class AgentsModel {
	private final UsageLedger usage;
	private final RegistryView registry;
	private final ActivityTracker activity;
	private final AgentService agents;
	private final Clock clock;
	private final Executor background;
	private final ObservableList<AgentRow> rows = FXCollections.observableArrayList();
	private final Map<Long, AgentRow> byId = new HashMap<>();
	private final ReadOnlyIntegerWrapper activeCount = new ReadOnlyIntegerWrapper();
	private final ReadOnlyStringWrapper lastError = new ReadOnlyStringWrapper();
	private final FxBatcher refresh = new FxBatcher(this::refreshNow);
	/** The agents that "Pause all" revoked, so that "Resume" restores exactly those. */
	private final ReadOnlyIntegerWrapper pausedCount = new ReadOnlyIntegerWrapper();
	private Set<String> paused = Set.of();
	/** New agent, edit grants, rotate, delete: the dialogs' entry points, on the same executor; their failures show as lastError. */
	private final AgentActions actions;

	public AgentsModel(RegistryView registry, ActivityTracker activity, AgentService agents, Clock clock, Executor background) {
		this(registry, activity, agents, clock, background, null);
	}

	/** @param usage today's LLM totals per agent (the broker's usage ledger); null: not shown */
	public AgentsModel(RegistryView registry, ActivityTracker activity, AgentService agents, Clock clock, Executor background, UsageLedger usage) {
		this.usage = usage;
		this.registry = registry;
		this.activity = activity;
		this.agents = agents;
		this.clock = clock;
		this.background = background;
		this.actions = new AgentActions(registry, agents, clock, background, lastError::set);
		actions.setUsage(usage);
	}

	/** What the agent dialogs use to change agents and to build setup text (which needs the proxy's port). */
	public AgentActions actions() {
		return actions;
	}

	/** Starts following the registry and the activity; call on the FX thread. */
	public AgentsModel start() {
		registry.addListener(s -> refresh.request());
		activity.addListener(refresh::request);
		refreshNow();
		return this;
	}

	public ObservableList<AgentRow> rows() {
		return rows;
	}

	public ReadOnlyIntegerProperty activeCountProperty() {
		return activeCount.getReadOnlyProperty();
	}

	/** How many agents "Pause all" is holding; 0 when nothing is paused. */
	public ReadOnlyIntegerProperty pausedCountProperty() {
		return pausedCount.getReadOnlyProperty();
	}

	/** "Proxy on 127.0.0.1:9323 · 3 of 4 agents active": the window's status line and the tray menu's first item. */
	public String statusLine(int port) {
		return "Proxy on 127.0.0.1:" + port + " · " + activeCount.get() + " of " + rows.size() + " agents active";
	}

	/** The last failure of a change the user asked for, in words for a person; null after a success. */
	public ReadOnlyStringProperty lastErrorProperty() {
		return lastError.getReadOnlyProperty();
	}

	/** Rebuilds rows from the current registry and activity, in place, keeping selection stable. */
	void refreshNow() {
		AccessSnapshot snapshot = registry.current();
		var now = clock.instant();
		// amk run's keys right under their agent, as 'amk agent list' shows them.
		List<Agent> current = Agent.runKeysUnderParents(snapshot.agents().stream().map(AccessSnapshot.AgentEntry::agent).toList());
		Map<Long, String> names = new HashMap<>();
		current.forEach(a -> names.put(a.id(), a.name()));
		Set<Long> seen = new LinkedHashSet<>();
		int active = 0;
		for (int i = 0; i < current.size(); i++) {
			Agent a = current.get(i);
			seen.add(a.id());
			AgentRow row = byId.computeIfAbsent(a.id(), AgentRow::new);
			ActivityTracker.AgentActivity act = activity.of(a.id());
			row.nameProperty().set(a.name());
			row.reachProperty().set(a.reach());
			row.statusProperty().set(a.status(now).id());
			row.activeProperty().set(a.status(now) == Agent.Status.ACTIVE);
			row.keyPrefixProperty().set(a.keyPrefix());
			row.parentNameProperty().set(a.isRunKey() ? names.getOrDefault(a.parentId(), "") : null);
			row.expiresAtProperty().set(a.expiresAt());
			row.lastSeenProperty().set(act.lastSeen());
			row.requestsTodayProperty().set(act.requestsToday());
			row.deniedTodayProperty().set(act.deniedToday());
			row.usageProperty().set(usageText(a.id(), snapshot.limits(a.id())));
			if (row.isActive()) {
				active++;
			}
			RowLists.placeAt(rows, i, row);
		}
		rows.removeIf(r -> !seen.contains(r.id()));
		byId.keySet().retainAll(seen);
		activeCount.set(active);
	}

	/** "3,000 tokens · $0.12 of $5.00 today · 60 rpm": today's LLM use against the agent's limits; empty when there is neither. */
	private String usageText(long agentId, AgentLimits limits) {
		List<String> parts = new java.util.ArrayList<>();
		if (usage != null) {
			UsageLedger.Totals t = usage.totals(agentId);
			if (t.dayTokens() > 0 || limits.hasBudget()) {
				String cost = AgentLimits.dollars(t.dayCostMicroUsd()) + (limits.dailyMicroUsd() == null ? "" : " of " + AgentLimits.dollars(limits.dailyMicroUsd()));
				parts.add(String.format("%,d tokens", t.dayTokens()) + (limits.dailyTokens() == null ? "" : String.format(" of %,d", limits.dailyTokens()))
						+ " · " + cost + " today");
			}
		}
		if (limits.requestsPerMinute() != null) {
			parts.add(limits.requestsPerMinute() + " rpm");
		}
		if (limits.concurrent() != null) {
			parts.add(limits.concurrent() + " at once");
		}
		if (!limits.models().isEmpty()) {
			parts.add(limits.modelsColumn());
		}
		return String.join(" · ", parts);
	}

	/** Revokes or enables one agent; the proxy refuses or accepts its key before the switch settles. */
	public void setActive(AgentRow row, boolean active) {
		String name = row.name();
		run(() -> {
			if (active) {
				agents.enable(name);
			} else {
				agents.revoke(name);
			}
		});
	}

	/** Revokes every active agent at once and remembers which, for {@link #resumeAll()}. */
	public void pauseAll() {
		Set<String> toPause = new LinkedHashSet<>();
		// Run keys are left out: revoking their agent revokes them, and a run key is never enabled again, so Resume could not restore one.
		rows.stream().filter(r -> r.isActive() && !r.isRunKey()).forEach(r -> toPause.add(r.name()));
		paused = Set.copyOf(toPause);
		pausedCount.set(paused.size());
		run(() -> toPause.forEach(agents::revoke));
	}

	/** Restores exactly the agents that the last "Pause all" revoked (those that still exist). */
	public void resumeAll() {
		Set<String> toResume = paused;
		paused = Set.of();
		pausedCount.set(0);
		run(() -> {
			for (String name : toResume) {
				try {
					agents.enable(name);
				} catch (AmkException e) {
					// deleted meanwhile: nothing to restore
				}
			}
		});
	}

	private void run(Runnable change) {
		OffFxThread.call(background, () -> {
			change.run();
			return null;
		}, this::refreshNow).whenComplete((v, failure) -> lastError.set(failure == null ? null : failure.getMessage()));
	}
}
