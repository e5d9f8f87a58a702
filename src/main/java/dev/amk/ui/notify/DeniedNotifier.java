package dev.amk.ui.notify;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.RegistryView;
import dev.amk.agents.GrantRule;
import dev.amk.audit.AuditEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Turns denied requests into system notifications a person can act on ("research-bot was denied DELETE
 * /repos/acme/api — read-only grant"), throttled so that a looping agent cannot flood the screen: at most one
 * notification per agent per minute and three per minute in all; what was held back is counted into the
 * next one that is shown.
 */
public final class DeniedNotifier {
	/** Where notifications go: the tray's balloon, the OS notification centre, or a test's list. */
	@FunctionalInterface
	public interface SystemNotifier {
		void notify(String title, String message);
	}

	static final Duration PER_AGENT = Duration.ofMinutes(1);
	static final Duration WINDOW = Duration.ofMinutes(1);
	static final int PER_WINDOW = 3;

	private final RegistryView registry;
	private final SystemNotifier notifier;
	private final Clock clock;
	private final BooleanSupplier enabled;
	private final Map<String, Instant> lastPerAgent = new HashMap<>();
	private final java.util.ArrayDeque<Instant> shown = new java.util.ArrayDeque<>();
	private int heldBack;
	private volatile Instant lastDenied;
	/** What the app does when a decoy key is used (offer to pause every agent); given the decoy's name. */
	private volatile java.util.function.Consumer<String> decoyAction = name -> { };
	private final Map<String, Instant> lastDecoyAlert = new HashMap<>();

	public DeniedNotifier(RegistryView registry, SystemNotifier notifier, Clock clock, BooleanSupplier enabled) {
		this.registry = registry;
		this.notifier = notifier;
		this.clock = clock;
		this.enabled = enabled;
	}

	/** When the most recent denial happened, or null: the tray shows an alert for a few minutes after one. */
	public Instant lastDenied() {
		return lastDenied;
	}

	/** What to do, besides the notice, when a decoy key is used: the app offers to pause every agent at once. */
	public void onDecoy(java.util.function.Consumer<String> action) {
		this.decoyAction = action;
	}

	/** Feed it every new audit batch (ActivityTracker event listener). */
	public synchronized void onEvents(List<AuditEvent> batch) {
		for (AuditEvent e : batch) {
			if (!AuditEvent.DENIED.equals(e.decision()) || e.agent() == null) {
				continue; // unknown keys are noise (scanners, typos); only identified agents are news
			}
			if (DECOY_USED.equals(e.reason())) {
				decoyUsed(e);
				continue;
			}
			lastDenied = e.time();
			if (!enabled.getAsBoolean()) {
				continue;
			}
			Instant now = clock.instant();
			while (!shown.isEmpty() && shown.peekFirst().isBefore(now.minus(WINDOW))) {
				shown.removeFirst();
			}
			Instant last = lastPerAgent.get(e.agent());
			if (shown.size() >= PER_WINDOW || (last != null && last.isAfter(now.minus(PER_AGENT)))) {
				heldBack++;
				continue;
			}
			lastPerAgent.put(e.agent(), now);
			shown.addLast(now);
			String more = heldBack == 0 ? "" : " (and " + heldBack + " more denied " + (heldBack == 1 ? "request" : "requests") + ")";
			heldBack = 0;
			notifier.notify("Request denied", message(e) + more);
		}
	}

	static final String DECOY_USED = "decoy_used";

	/**
	 * An alarm, not a denial like the others: shown whatever the denial-notice setting and outside the shared budget,
	 * once a minute per decoy so that an intruder retrying cannot flood the screen.
	 */
	private void decoyUsed(AuditEvent e) {
		lastDenied = e.time();
		Instant now = clock.instant();
		Instant last = lastDecoyAlert.get(e.agent());
		if (last != null && last.isAfter(now.minus(PER_AGENT))) {
			return;
		}
		lastDecoyAlert.put(e.agent(), now);
		notifier.notify("Decoy key used", "The decoy key '" + e.agent() + "' was just used (" + e.method() + " " + e.path()
				+ "). Someone has found it: pause all agents, then find out where it leaked.");
		decoyAction.accept(e.agent());
	}

	/** "research-bot was denied DELETE /repos/acme/api on github — read-only grant". */
	String message(AuditEvent e) {
		String on = e.connection() == null ? "" : " on " + e.connection();
		String what = e.mcpSummary() != null ? e.mcpSummary() : e.method() + " " + e.path(); // an MCP tool call says which tool
		return e.agent() + " was denied " + what + on + " — " + why(e);
	}

	private String why(AuditEvent e) {
		return switch (String.valueOf(e.reason())) {
			case "revoked_key" -> "the agent is revoked";
			case "expired_key" -> "its key has expired";
			case "unknown_connection" -> "there is no connection named '" + e.connection() + "'";
			case "scope_denied" -> scope(e);
			case "secret_in_request" -> "the request carried a real secret or another agent's key (exfiltration tripwire)";
			case "approval_denied" -> "the approval was denied";
			case "approval_timeout" -> "nobody approved it in time";
			case "tool_denied" -> "the tool is outside its grant";
			case "rate_limited" -> "over its rate limit";
			case "budget_exceeded" -> "its budget is spent";
			case "model_denied" -> "the model is not on its list";
			default -> String.valueOf(e.reason());
		};
	}

	private String scope(AuditEvent e) {
		AccessSnapshot snapshot = registry.current();
		AccessSnapshot.AgentEntry agent = e.agentId() == null ? null : snapshot.agentById(e.agentId());
		GrantRule rule = agent == null || e.connection() == null ? null : agent.grants().get(e.connection());
		if (rule == null) {
			return "no grant for " + e.connection();
		}
		return switch (rule.preset()) {
			case READ -> "read-only grant";
			case FULL -> "outside its grant";
			case CUSTOM -> "grant allows only " + rule.describe();
			case ASK -> "needs approval";
		};
	}
}
