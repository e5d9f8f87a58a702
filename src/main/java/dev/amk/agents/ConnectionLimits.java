package dev.amk.agents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast one agent may use one connection ({@code amk agent limit NAME --connection CONN}), on top of the agent's
 * own limits: both must let a request through. Each limit is optional (null: none).
 *
 * @param requestsPerMinute a token bucket holding a minute's worth of requests to this connection, refilled evenly
 * @param concurrent        requests (streams included) to this connection running at once
 */
public record ConnectionLimits(Integer requestsPerMinute, Integer concurrent) {
	public static final ConnectionLimits NONE = new ConnectionLimits(null, null);

	public ConnectionLimits {
		AgentLimits.requireRange("requests per minute", requestsPerMinute, AgentLimits.MAX_RPM);
		AgentLimits.requireRange("concurrent requests", concurrent, AgentLimits.MAX_CONCURRENT);
	}

	public boolean isNone() {
		return requestsPerMinute == null && concurrent == null;
	}

	/**
	 * A change to one connection's limits: null leaves a limit as it is, {@link AgentLimits.Change#REMOVE} removes it.
	 *
	 * @param clearFirst remove both first (then apply what is given)
	 */
	public record Change(Long requestsPerMinute, Long concurrent, boolean clearFirst) {
	}

	ConnectionLimits with(Change change) {
		ConnectionLimits base = change.clearFirst() ? NONE : this;
		return new ConnectionLimits(AgentLimits.toInt(AgentLimits.pick(change.requestsPerMinute(), base.requestsPerMinute == null ? null
				: base.requestsPerMinute.longValue())), AgentLimits.toInt(AgentLimits.pick(change.concurrent(), base.concurrent == null ? null
				: base.concurrent.longValue())));
	}

	/** The contract's JSON shape: {@code {"rpm", "concurrent"}}, null when not set. */
	public Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("rpm", requestsPerMinute);
		m.put("concurrent", concurrent);
		return m;
	}

	/** "10 rpm, 2 at once". */
	public String describe() {
		List<String> parts = rateParts(requestsPerMinute, concurrent);
		return parts.isEmpty() ? "none" : String.join(", ", parts);
	}

	/** The words for a rate and a concurrency limit, agent-wide or per connection alike: "10 rpm", "2 at once". */
	static List<String> rateParts(Integer requestsPerMinute, Integer concurrent) {
		List<String> parts = new ArrayList<>();
		if (requestsPerMinute != null) {
			parts.add(requestsPerMinute + " rpm");
		}
		if (concurrent != null) {
			parts.add(concurrent + " at once");
		}
		return parts;
	}
}
