package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.agents.Agent;
import dev.amk.agents.GrantRule;
import dev.amk.cloud.AwsSessions;
import dev.amk.cloud.CloudScope;
import dev.amk.connections.Connection;

import java.time.Instant;

/** Whether an agent's AWS session still has a grant behind it: revoking, narrowing or re-keying drops the session at once. */
final class AwsSessionsLive {
	private AwsSessionsLive() {
	}

	static boolean live(AccessSnapshot snapshot, AwsSessions.Key key, Instant now) {
		AccessSnapshot.AgentEntry entry = snapshot.agentById(key.agentId());
		if (entry == null || entry.agent().status(now) != Agent.Status.ACTIVE) {
			return false;
		}
		GrantRule rule = entry.grants().get(key.connection());
		Connection connection = snapshot.connection(key.connection());
		return rule != null && connection != null && connection.secretRef().equals(key.secretRef()) && CloudScope.of(rule).equals(key.scope());
	}
}
