package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.agents.Agent;
import org.eclipse.jetty.io.EndPoint;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The intercepted tunnels open now. A tunnel lives as long as its agent may act: when the registry says the agent
 * was revoked, deleted, rotated or expired, its tunnels are closed at once, between requests as well as during
 * one (a running request is cut by {@link InFlightRequests} too).
 */
final class Tunnels {
	/**
	 * One tunnel: the {@code CONNECT} host and port it was opened for, and the proxy key that opened it, which every
	 * request inside is identified with again. The key stays in memory only while the tunnel is open.
	 */
	record Tunnel(String host, int port, String proxyKey, String keyHash, EndPoint network) {
	}

	private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
	private final Clock clock;

	Tunnels(Clock clock) {
		this.clock = clock;
	}

	void opened(Tunnel tunnel) {
		open.add(tunnel);
	}

	void closed(Tunnel tunnel) {
		open.remove(tunnel);
	}

	int size() {
		return open.size();
	}

	void onSnapshot(AccessSnapshot snapshot) {
		for (Tunnel tunnel : open) {
			AccessSnapshot.AgentEntry entry = snapshot.agentByKeyHash(tunnel.keyHash());
			if ((entry == null || !mayAct(entry.agent())) && !WebSocketRelay.carriedBy(tunnel.network())) {
				// A WebSocket inside closes its tunnel itself, once it has told the client why (close code 1008).
				open.remove(tunnel);
				tunnel.network().close();
			}
		}
	}

	private boolean mayAct(Agent agent) {
		return agent.revokedAt() == null && (agent.expiresAt() == null || clock.instant().isBefore(agent.expiresAt()));
	}

	void closeAll() {
		for (Tunnel tunnel : open) {
			tunnel.network().close();
		}
		open.clear();
	}
}
