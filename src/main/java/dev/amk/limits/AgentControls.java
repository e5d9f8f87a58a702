package dev.amk.limits;

import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.access.Target;
import dev.amk.agents.AgentLimits;
import dev.amk.agents.ConnectionLimits;
import dev.amk.common.ErrorType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The per-agent controls the proxy applies to an authorised request, in this order: budgets (LLM connections), the
 * model a Gemini path names, concurrent requests (the agent's, then the agent's on this connection), requests per
 * minute (on this connection, then the agent's). {@link #admit} returns an {@link Admission} held
 * for the whole request (it counts against the concurrent cap until closed), which checks the model a body names and
 * meters the answer.
 *
 * <p>Cheap by design: the limits come with the registry snapshot, the rate is one compare-and-set, totals are in
 * memory. An agent without limits on a connection that is not an LLM pays for a map look-up and nothing else.
 */
public final class AgentControls {
	private static final System.Logger LOG = System.getLogger(AgentControls.class.getName());

	/** A request the controls refuse, with how long until trying again can help (0: it cannot). */
	public static final class Denied extends Exception {
		private final transient Refusal refusal;
		private final long retryAfterSeconds;

		Denied(ErrorType type, String message, long retryAfterSeconds) {
			super(type.type(), null, false, false);
			this.refusal = new Refusal(type, message);
			this.retryAfterSeconds = retryAfterSeconds;
		}

		public Refusal refusal() {
			return refusal;
		}

		public long retryAfterSeconds() {
			return retryAfterSeconds;
		}
	}

	private final Clock clock;
	private final UsageLedger ledger;
	private final PriceTable prices;
	private final Consumer<String> pause;
	private final RateBuckets<Long> buckets = new RateBuckets<>();
	private final ConcurrencyCaps<Long> caps = new ConcurrencyCaps<>();
	private final RateBuckets<AgentConnection> connectionBuckets = new RateBuckets<>();
	private final ConcurrencyCaps<AgentConnection> connectionCaps = new ConcurrencyCaps<>();
	private final Set<Long> pausing = ConcurrentHashMap.newKeySet();

	/** One agent on one connection, by the connection's name: a renamed connection starts a fresh bucket, which is harmless. */
	private record AgentConnection(long agentId, String connection) {
	}

	/**
	 * @param pause revokes an agent by name, for pause-on-budget; called on a thread of its own, never the request's
	 */
	public AgentControls(Clock clock, UsageLedger ledger, PriceTable prices, Consumer<String> pause) {
		this.clock = clock;
		this.ledger = ledger;
		this.prices = prices;
		this.pause = pause;
	}

	/** Controls that keep usage in memory only and cannot pause agents: a proxy running without a broker around it (tests). */
	public static AgentControls inMemory(Clock clock) {
		return new AgentControls(clock, new UsageLedger(null, clock), PriceTable.bundled(), name -> { });
	}

	public UsageLedger ledger() {
		return ledger;
	}

	/**
	 * Lets the request in, or says why not. Close the admission when the request ends, however it ends.
	 *
	 * @param providerId the connection's provider: LLM providers are metered and budgeted
	 */
	public Admission admit(Caller caller, AgentLimits limits, String providerId, Target target) throws Denied {
		LlmApi api = LlmApi.of(providerId);
		long agentId = caller.agentId();
		if (api != LlmApi.NONE && limits.hasBudget()) {
			checkBudgets(caller.agentName(), limits, ledger.totals(agentId));
		}
		if (api == LlmApi.GEMINI && !limits.models().isEmpty()) {
			String model = LlmApi.modelInPath(target.segments());
			if (model != null) {
				checkModel(limits, model);
			}
		}
		ConnectionLimits onConnection = limits.connection(target.connection());
		AgentConnection pair = onConnection.isNone() ? null : new AgentConnection(agentId, target.connection());
		boolean capped = limits.concurrent() != null;
		boolean connectionCapped = pair != null && onConnection.concurrent() != null;
		if (capped && !caps.tryAcquire(agentId, limits.concurrent())) {
			throw new Denied(ErrorType.RATE_LIMITED, "Agent '" + caller.agentName() + "' already has " + limits.concurrent() + " requests running,"
					+ " its limit. Wait for one to finish and try again, or raise it with 'amk agent limit " + caller.agentName() + " --concurrent N'.", 1);
		}
		if (connectionCapped && !connectionCaps.tryAcquire(pair, onConnection.concurrent())) {
			release(agentId, capped, null, false);
			throw new Denied(ErrorType.RATE_LIMITED, "Agent '" + caller.agentName() + "' already has " + onConnection.concurrent() + " requests running on '"
					+ target.connection() + "', its limit there. Wait for one to finish and try again, or raise it with 'amk agent limit "
					+ caller.agentName() + " --connection " + target.connection() + " --concurrent N'.", 1);
		}
		long now = nanos(clock.instant());
		boolean tookConnectionToken = false;
		if (pair != null && onConnection.requestsPerMinute() != null) {
			long waitNanos = connectionBuckets.take(pair, onConnection.requestsPerMinute(), now);
			if (waitNanos > 0) {
				release(agentId, capped, pair, connectionCapped);
				long seconds = retryAfter(waitNanos);
				throw new Denied(ErrorType.RATE_LIMITED, "Agent '" + caller.agentName() + "' is limited to " + onConnection.requestsPerMinute()
						+ " requests per minute on '" + target.connection() + "'. Try again in " + seconds + " s (Retry-After), or raise it with"
						+ " 'amk agent limit " + caller.agentName() + " --connection " + target.connection() + " --rpm N'.", seconds);
			}
			tookConnectionToken = true;
		}
		if (limits.requestsPerMinute() != null) {
			long waitNanos = buckets.take(agentId, limits.requestsPerMinute(), now);
			if (waitNanos > 0) {
				release(agentId, capped, pair, connectionCapped);
				if (tookConnectionToken) {
					// Refused by the agent-wide limit: this request must not also use up the connection's.
					connectionBuckets.giveBack(pair, onConnection.requestsPerMinute());
				}
				long seconds = retryAfter(waitNanos);
				throw new Denied(ErrorType.RATE_LIMITED, "Agent '" + caller.agentName() + "' is limited to " + limits.requestsPerMinute()
						+ " requests per minute. Try again in " + seconds + " s (Retry-After), or raise it with 'amk agent limit " + caller.agentName()
						+ " --rpm N'.", seconds);
			}
		}
		return new Admission(caller, limits, api, target, capped, connectionCapped ? pair : null);
	}

	/** Whole seconds until {@code waitNanos} have passed, at least 1: waiting that long is enough, never too short. */
	private static long retryAfter(long waitNanos) {
		return Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000);
	}

	private void release(long agentId, boolean capped, AgentConnection pair, boolean connectionCapped) {
		if (capped) {
			caps.release(agentId);
		}
		if (connectionCapped) {
			connectionCaps.release(pair);
		}
	}

	private static long nanos(Instant t) {
		return t.getEpochSecond() * 1_000_000_000L + t.getNano();
	}

	private void checkBudgets(String agent, AgentLimits limits, UsageLedger.Totals t) throws Denied {
		Instant now = clock.instant();
		Instant tomorrow = t.day().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		if (limits.dailyMicroUsd() != null && t.dayCostMicroUsd() >= limits.dailyMicroUsd()) {
			throw overBudget(agent, "daily budget of " + AgentLimits.dollars(limits.dailyMicroUsd()), AgentLimits.dollars(t.dayCostMicroUsd())
					+ " estimated today", tomorrow, now, "--daily-usd");
		}
		if (limits.dailyTokens() != null && t.dayTokens() >= limits.dailyTokens()) {
			throw overBudget(agent, "daily budget of " + limits.dailyTokens() + " tokens", t.dayTokens() + " used today", tomorrow, now, "--daily-tokens");
		}
		if (limits.monthlyMicroUsd() != null && t.monthCostMicroUsd() >= limits.monthlyMicroUsd()) {
			Instant nextMonth = t.monthStart().plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
			throw overBudget(agent, "monthly budget of " + AgentLimits.dollars(limits.monthlyMicroUsd()), AgentLimits.dollars(t.monthCostMicroUsd())
					+ " estimated this month", nextMonth, now, "--monthly-usd");
		}
	}

	private static Denied overBudget(String agent, String budget, String used, Instant resets, Instant now, String option) {
		long seconds = Math.max(1, Duration.between(now, resets).toSeconds());
		return new Denied(ErrorType.BUDGET_EXCEEDED, "Agent '" + agent + "' has spent its " + budget + " (" + used + "). It resets at " + resets
				+ " (in " + readable(seconds) + "); to go on now, raise it with 'amk agent limit " + agent + " " + option + " X'.", seconds);
	}

	private static String readable(long seconds) {
		long h = seconds / 3600;
		long m = (seconds % 3600) / 60;
		if (h >= 48) {
			return (h / 24) + " days";
		}
		return h > 0 ? h + " h " + m + " min" : Math.max(1, m) + " min";
	}

	static void checkModel(AgentLimits limits, String model) throws Denied {
		if (!limits.allowsModel(model)) {
			throw new Denied(ErrorType.MODEL_DENIED, "This agent may not use model '" + abbreviate(model) + "'; it may use " + limits.modelsColumn()
					+ ". Pick one of those, or change the list with 'amk agent limit NAME --models GLOB,…'.", 0);
		}
	}

	private static String abbreviate(String s) {
		String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
		return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
	}

	/** One admitted request, from its admission to its end. */
	public final class Admission implements AutoCloseable {
		private final Caller caller;
		private final AgentLimits limits;
		private final LlmApi api;
		private final Target target;
		private final boolean capped;
		private final AgentConnection connectionCapped;
		private String requestModel;
		private boolean closed;

		/** @param connectionCapped the agent and connection whose running requests this one counts against; null: none */
		Admission(Caller caller, AgentLimits limits, LlmApi api, Target target, boolean capped, AgentConnection connectionCapped) {
			this.connectionCapped = connectionCapped;
			this.caller = caller;
			this.limits = limits;
			this.api = api;
			this.target = target;
			this.capped = capped;
		}

		/** Whether the request's body must be read for the model it names before it is forwarded. */
		public boolean checksModelInBody() {
			return !limits.models().isEmpty() && api.modelInBody(target.segments());
		}

		/** The models the agent may use, for messages. */
		public String allowedModels() {
			return limits.modelsColumn();
		}

		/** Checks the model the request's body names (null: it names none, which any list allows). */
		public void checkBodyModel(String model) throws Denied {
			if (model != null) {
				checkModel(limits, model);
				requestModel = model;
			}
		}

		/** A meter for the answer, or null when its connection is not an LLM or its type carries no usage. */
		public UsageMeter meter(String contentType) {
			if (api == LlmApi.NONE || contentType == null) {
				return null;
			}
			String type = contentType.toLowerCase(Locale.ROOT);
			if (type.startsWith("text/event-stream")) {
				return new UsageMeter(true, api == LlmApi.OPENAI || api == LlmApi.GEMINI && target.segments().contains("openai"), requestModel);
			}
			return type.contains("json") ? new UsageMeter(false, false, requestModel) : null;
		}

		/**
		 * Records what the answer used: counted towards the totals at once (the next request sees it), on disk with the audit
		 * row's batch. Passing a budget pauses the agent when it asked for that.
		 *
		 * @param meter        the answer's meter, or null when there was none
		 * @param requestBytes the request body's size, for an estimate; -1 when unknown
		 */
		public void finished(UsageMeter meter, long requestBytes) {
			if (api == LlmApi.NONE) {
				return;
			}
			Usage usage = meter == null ? new Usage(0, 0, requestModel, false) : meter.finish(requestBytes);
			PriceTable.Price price = prices.of(usage.model());
			long cost = price == null ? 0 : price.costMicroUsd(usage.inputTokens(), usage.outputTokens());
			UsageLedger.Totals after = ledger.add(caller.agentId(), usage, cost, price == null && usage.totalTokens() > 0);
			if (limits.pauseOnBudget() && overAnyBudget(after)) {
				pauseOnce(caller.agentId(), caller.agentName());
			}
		}

		private boolean overAnyBudget(UsageLedger.Totals t) {
			return limits.dailyMicroUsd() != null && t.dayCostMicroUsd() >= limits.dailyMicroUsd()
					|| limits.dailyTokens() != null && t.dayTokens() >= limits.dailyTokens()
					|| limits.monthlyMicroUsd() != null && t.monthCostMicroUsd() >= limits.monthlyMicroUsd();
		}

		@Override
		public void close() {
			if (!closed) {
				closed = true;
				release(caller.agentId(), capped, connectionCapped, connectionCapped != null);
			}
		}
	}

	private void pauseOnce(long agentId, String name) {
		if (!pausing.add(agentId)) {
			return;
		}
		Thread.ofVirtual().name("amk-pause-on-budget").start(() -> {
			try {
				pause.accept(name);
				LOG.log(System.Logger.Level.INFO, "Paused agent '" + name + "': it passed a budget and asked to be paused then");
			} catch (RuntimeException e) {
				LOG.log(System.Logger.Level.WARNING, "Pausing agent '" + name + "' after its budget failed: " + e.getMessage());
			} finally {
				pausing.remove(agentId);
			}
		});
	}

	/** Today's date as budgets count it (UTC). */
	public LocalDate today() {
		return ledger.today();
	}
}
