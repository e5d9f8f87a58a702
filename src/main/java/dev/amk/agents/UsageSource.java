package dev.amk.agents;

import java.time.Instant;
import java.util.Map;

/** When each agent (by id) last made a request. The audit log knows; the agent list shows it. */
@FunctionalInterface
public interface UsageSource {
	UsageSource NONE = Map::of;

	Map<Long, Instant> lastUsedByAgentId();
}
