package dev.amk.access;

/**
 * The agent a request was identified as, by the hash of the key it presented.
 *
 * @param agent   the agent as the snapshot that identified it held it: for naming it in the audit log
 * @param keyHash the presented key's SHA-256 in hex: what every later decision looks the agent up by again, so
 *                that a rotated or deleted key stops matching
 */
public record Caller(AccessSnapshot.AgentEntry agent, String keyHash) {
	public long agentId() {
		return agent.agent().id();
	}

	public String agentName() {
		return agent.agent().name();
	}
}
