package dev.amk.access;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.agents.Grant;
import dev.amk.agents.GrantRule;
import dev.amk.connections.Connection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An immutable picture of the registry, swapped atomically whenever it changes, so that the proxy decides
 * every request without touching the database.
 */
public final class AccessSnapshot {
	/**
	 * An agent as the proxy needs it: identity, the hash its key must match, grants by connection, and its approval
	 * rules by connection (kept apart, grouped once here: every request asks for them).
	 */
	public record AgentEntry(Agent agent, byte[] keyHash, Map<String, GrantRule> grants, Map<String, List<GrantRule>> askRulesByConnection) {
		/** The approval rules ({@code CONN:ask:…}) on {@code connection}, in the order given. */
		public List<GrantRule> askRules(String connection) {
			return askRulesByConnection.getOrDefault(connection, List.of());
		}
	}

	public static final AccessSnapshot EMPTY = new AccessSnapshot(List.of(), Map.of());

	private final Map<String, AgentEntry> agentsByKeyHash;
	private final Map<Long, AgentEntry> agentsById;
	private final Map<String, Connection> connectionsByName;
	private final java.util.Set<Long> decoyIds;
	private final Map<Long, AgentLimits> limitsByAgentId;

	public AccessSnapshot(List<Connection> connections, Map<Agent, String> agentsWithKeyHashes) {
		this(connections, agentsWithKeyHashes, java.util.Set.of(), Map.of());
	}

	/** @param decoyIds the agents whose keys are decoys: any use is an alarm, answered like an unknown key */
	public AccessSnapshot(List<Connection> connections, Map<Agent, String> agentsWithKeyHashes, java.util.Set<Long> decoyIds) {
		this(connections, agentsWithKeyHashes, decoyIds, Map.of());
	}

	/** @param limits each agent's controls by agent id (amk agent limit); an agent not in it has none */
	public AccessSnapshot(List<Connection> connections, Map<Agent, String> agentsWithKeyHashes, Map<Long, AgentLimits> limits) {
		this(connections, agentsWithKeyHashes, java.util.Set.of(), limits);
	}

	public AccessSnapshot(List<Connection> connections, Map<Agent, String> agentsWithKeyHashes, java.util.Set<Long> decoyIds,
			Map<Long, AgentLimits> limits) {
		this.decoyIds = java.util.Set.copyOf(decoyIds);
		Map<String, Connection> byName = new HashMap<>();
		connections.forEach(c -> byName.put(c.name(), c));
		Map<String, AgentEntry> byHash = new HashMap<>();
		Map<Long, AgentEntry> byId = new HashMap<>();
		agentsWithKeyHashes.forEach((agent, hash) -> {
			Map<String, GrantRule> grants = new HashMap<>();
			Map<String, List<GrantRule>> askRules = new HashMap<>();
			for (Grant g : agent.grants()) {
				if (g.rule().preset() == GrantRule.Preset.ASK) { // approval rules sit beside the grant: AgentEntry.askRules
					askRules.computeIfAbsent(g.connection(), c -> new ArrayList<>()).add(g.rule());
				} else {
					grants.put(g.connection(), g.rule());
				}
			}
			askRules.replaceAll((connection, rules) -> List.copyOf(rules));
			AgentEntry entry = new AgentEntry(agent, HexFormat.of().parseHex(hash), Map.copyOf(grants), Map.copyOf(askRules));
			byHash.put(hash, entry);
			byId.put(agent.id(), entry);
		});
		this.agentsByKeyHash = Map.copyOf(byHash);
		this.agentsById = Map.copyOf(byId);
		this.connectionsByName = Map.copyOf(byName);
		this.limitsByAgentId = Map.copyOf(limits);
	}

	/** The agent's controls, read with the rest of the registry so that the proxy needs no database call per request. */
	public AgentLimits limits(long agentId) {
		return limitsByAgentId.getOrDefault(agentId, AgentLimits.NONE);
	}

	public AgentEntry agentByKeyHash(String hexHash) {
		return agentsByKeyHash.get(hexHash);
	}

	/** Whether the agent is a decoy (see {@link dev.amk.agents.AgentService#createDecoy}). */
	public boolean isDecoy(long agentId) {
		return decoyIds.contains(agentId);
	}

	public AgentEntry agentById(long id) {
		return agentsById.get(id);
	}

	public Connection connection(String name) {
		return connectionsByName.get(name);
	}

	public java.util.Collection<Connection> connections() {
		return connectionsByName.values();
	}

	public java.util.Collection<AgentEntry> agents() {
		return agentsById.values();
	}
}
