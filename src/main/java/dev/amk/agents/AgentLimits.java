package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.TreeMap;

/**
 * What an agent may do per unit of time and money, on top of where its grants let it go ({@code amk agent limit}).
 * Every limit is optional (null: none). Money is in micro-dollars (millionths of a US dollar): sums stay exact.
 *
 * @param requestsPerMinute a token bucket holding a minute's worth of requests, refilled evenly
 * @param concurrent        requests (streams included) running at once
 * @param dailyMicroUsd     estimated spend per UTC day
 * @param monthlyMicroUsd   estimated spend per UTC calendar month
 * @param dailyTokens       input plus output tokens per UTC day
 * @param models            the models the agent may name; empty: any
 * @param pauseOnBudget     revoke the agent once it passes a budget (a person enables it again)
 * @param connections       rate limits on single connections, by connection name (those without any are absent)
 */
public record AgentLimits(Integer requestsPerMinute, Integer concurrent, Long dailyMicroUsd, Long monthlyMicroUsd, Long dailyTokens,
		List<ModelGlob> models, boolean pauseOnBudget, Map<String, ConnectionLimits> connections) {
	public static final AgentLimits NONE = new AgentLimits(null, null, null, null, null, List.of(), false);
	static final int MAX_RPM = 1_000_000;
	static final int MAX_CONCURRENT = 10_000;

	/** Limits on the agent as a whole only, none on single connections. */
	public AgentLimits(Integer requestsPerMinute, Integer concurrent, Long dailyMicroUsd, Long monthlyMicroUsd, Long dailyTokens,
			List<ModelGlob> models, boolean pauseOnBudget) {
		this(requestsPerMinute, concurrent, dailyMicroUsd, monthlyMicroUsd, dailyTokens, models, pauseOnBudget, Map.of());
	}

	public AgentLimits {
		models = List.copyOf(models);
		Map<String, ConnectionLimits> kept = new TreeMap<>();
		connections.forEach((name, limits) -> {
			if (!limits.isNone()) {
				kept.put(name, limits);
			}
		});
		connections = Collections.unmodifiableMap(kept); // sorted by name: stable output, and equal limits are equal records
		requireRange("requests per minute", requestsPerMinute, MAX_RPM);
		requireRange("concurrent requests", concurrent, MAX_CONCURRENT);
		requireRange("daily budget", dailyMicroUsd, Long.MAX_VALUE / 4);
		requireRange("monthly budget", monthlyMicroUsd, Long.MAX_VALUE / 4);
		requireRange("daily tokens", dailyTokens, Long.MAX_VALUE / 4);
	}

	static void requireRange(String what, Number value, long max) {
		if (value != null && (value.longValue() < 1 || value.longValue() > max)) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "The " + what + " limit must be at least 1" + (max < 1_000_000_000 ? " and at most " + max : "")
					+ "; use 'none' to remove it.");
		}
	}

	public boolean isNone() {
		return agentWideNone() && connections.isEmpty();
	}

	/** Whether the agent as a whole has no limit (it may still have some on single connections). */
	public boolean agentWideNone() {
		return requestsPerMinute == null && concurrent == null && !hasBudget() && models.isEmpty() && !pauseOnBudget;
	}

	/** The agent's limits on the connection named {@code connection} ({@link ConnectionLimits#NONE} when it has none). */
	public ConnectionLimits connection(String connection) {
		return connections.getOrDefault(connection, ConnectionLimits.NONE);
	}

	public boolean hasBudget() {
		return dailyMicroUsd != null || monthlyMicroUsd != null || dailyTokens != null;
	}

	/** Whether {@code model} is on the list (any model is, when the list is empty). */
	public boolean allowsModel(String model) {
		if (models.isEmpty()) {
			return true;
		}
		for (ModelGlob g : models) {
			if (g.matches(model)) {
				return true;
			}
		}
		return false;
	}

	public String modelsColumn() {
		return models.isEmpty() ? null : String.join(",", models.stream().map(ModelGlob::pattern).toList());
	}

	public static List<ModelGlob> parseModels(String column) {
		if (column == null || column.isBlank()) {
			return List.of();
		}
		List<ModelGlob> globs = new ArrayList<>();
		for (String part : column.split(",")) {
			if (!part.isBlank()) {
				globs.add(ModelGlob.parse(part));
			}
		}
		return globs;
	}

	/**
	 * A change to some limits; the others stay. Each field: null leaves that limit as it is, {@link #REMOVE} (or an empty
	 * model list) removes it.
	 */
	public record Change(Long requestsPerMinute, Long concurrent, Long dailyMicroUsd, Long monthlyMicroUsd, Long dailyTokens, List<ModelGlob> models,
			Boolean pauseOnBudget, boolean clearFirst, Map<String, ConnectionLimits.Change> connections) {
		public static final long REMOVE = -1;
		public static final Change NOTHING = new Change(null, null, null, null, null, null, null, false);

		/** A change to the agent-wide limits only; those on single connections stay (unless {@code clearFirst}). */
		public Change(Long requestsPerMinute, Long concurrent, Long dailyMicroUsd, Long monthlyMicroUsd, Long dailyTokens, List<ModelGlob> models,
				Boolean pauseOnBudget, boolean clearFirst) {
			this(requestsPerMinute, concurrent, dailyMicroUsd, monthlyMicroUsd, dailyTokens, models, pauseOnBudget, clearFirst, Map.of());
		}

		public Change {
			connections = Map.copyOf(connections);
		}

		/** A change to the limits on one connection alone. */
		public static Change onConnection(String connection, ConnectionLimits.Change change) {
			return new Change(null, null, null, null, null, null, null, false, Map.of(connection, change));
		}

		public boolean isNothing() {
			return equals(NOTHING);
		}
	}

	/** These limits with {@code change} applied. */
	public AgentLimits with(Change change) {
		AgentLimits base = change.clearFirst() ? NONE : this;
		return new AgentLimits(toInt(pick(change.requestsPerMinute(), base.requestsPerMinute == null ? null : base.requestsPerMinute.longValue())),
				toInt(pick(change.concurrent(), base.concurrent == null ? null : base.concurrent.longValue())),
				pick(change.dailyMicroUsd(), base.dailyMicroUsd), pick(change.monthlyMicroUsd(), base.monthlyMicroUsd),
				pick(change.dailyTokens(), base.dailyTokens), change.models() == null ? base.models : change.models(),
				change.pauseOnBudget() == null ? base.pauseOnBudget : change.pauseOnBudget(), withConnections(base.connections, change.connections()));
	}

	private static Map<String, ConnectionLimits> withConnections(Map<String, ConnectionLimits> current, Map<String, ConnectionLimits.Change> changes) {
		if (changes.isEmpty()) {
			return current;
		}
		Map<String, ConnectionLimits> result = new TreeMap<>(current);
		changes.forEach((name, change) -> result.put(name, result.getOrDefault(name, ConnectionLimits.NONE).with(change)));
		return result;
	}

	static Long pick(Long change, Long current) {
		if (change == null) {
			return current;
		}
		return change == Change.REMOVE ? null : change;
	}

	static Integer toInt(Long v) {
		if (v == null) {
			return null;
		}
		if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "The limit " + v + " is too large.");
		}
		return v.intValue();
	}

	/** "$5.25" for a micro-dollar amount. */
	public static String dollars(long microUsd) {
		BigDecimal d = BigDecimal.valueOf(microUsd).movePointLeft(6);
		return "$" + (d.compareTo(BigDecimal.ONE) >= 0 || microUsd == 0 ? d.setScale(2, RoundingMode.HALF_UP) : d.setScale(4, RoundingMode.HALF_UP))
				.toPlainString();
	}

	/** Micro-dollars from a person's "5", "5.50" or "$0.25". */
	public static long parseDollars(String text) {
		String t = text.strip();
		if (t.startsWith("$")) {
			t = t.substring(1);
		}
		try {
			BigDecimal d = new BigDecimal(t);
			if (d.signum() <= 0 || d.scale() > 6 || d.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
				throw new NumberFormatException();
			}
			return d.movePointRight(6).longValueExact();
		} catch (NumberFormatException | ArithmeticException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "'" + text + "' is not an amount of US dollars: give a positive number such as 5"
					+ " or 2.50 (or 'none' to remove the budget).");
		}
	}

	/** The contract's JSON shape: every limit, null when not set. */
	public Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("rpm", requestsPerMinute);
		m.put("concurrent", concurrent);
		m.put("daily_usd", dailyMicroUsd == null ? null : BigDecimal.valueOf(dailyMicroUsd).movePointLeft(6).stripTrailingZeros().toPlainString());
		m.put("monthly_usd", monthlyMicroUsd == null ? null : BigDecimal.valueOf(monthlyMicroUsd).movePointLeft(6).stripTrailingZeros().toPlainString());
		m.put("daily_tokens", dailyTokens);
		m.put("models", models.stream().map(ModelGlob::pattern).toList());
		m.put("pause_on_budget", pauseOnBudget);
		Map<String, Object> perConnection = new LinkedHashMap<>();
		connections.forEach((name, limits) -> perConnection.put(name, limits.toJson()));
		m.put("connections", perConnection);
		return m;
	}

	/** "60 rpm · 4 at once · $5.00/day · gpt-4o* · on github: 10 rpm, 2 at once", or "none". */
	public String describe() {
		List<String> parts = ConnectionLimits.rateParts(requestsPerMinute, concurrent);
		if (dailyMicroUsd != null) {
			parts.add(dollars(dailyMicroUsd) + "/day");
		}
		if (monthlyMicroUsd != null) {
			parts.add(dollars(monthlyMicroUsd) + "/month");
		}
		if (dailyTokens != null) {
			parts.add(dailyTokens + " tokens/day");
		}
		if (!models.isEmpty()) {
			parts.add(modelsColumn());
		}
		if (pauseOnBudget) {
			parts.add("pause on budget");
		}
		connections.forEach((name, limits) -> parts.add("on " + name + ": " + limits.describe()));
		return parts.isEmpty() ? "none" : String.join(" · ", parts);
	}
}
