package dev.amk.access;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentKey;
import dev.amk.agents.Grant;
import dev.amk.connections.Connection;
import okhttp3.HttpUrl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registry snapshots built in memory, for the decisions that read nothing else. */
public final class SnapshotBuilder {
	private final List<Connection> connections = new ArrayList<>();
	private final Map<Agent, String> agents = new LinkedHashMap<>();

	/** An API-key connection named {@code name} on https://NAME.example/v1/. */
	public SnapshotBuilder connection(String name) {
		connections.add(new Connection(connections.size() + 1, name, null, HttpUrl.get("https://" + name + ".example/v1/"), null,
				"ref-" + name, Instant.EPOCH));
		return this;
	}

	/** A connection of {@code provider} on {@code baseUrl}, injected as the provider does by default. */
	public SnapshotBuilder connection(String name, dev.amk.providers.ProviderSpec provider, String baseUrl) {
		connections.add(new Connection(connections.size() + 1, name, provider, HttpUrl.get(baseUrl), provider.defaultInjection(),
				"ref-" + name, Instant.EPOCH));
		return this;
	}

	/** @param grants as the CLI takes them: {@code openai}, {@code github:read}, {@code openai:GET:/v1/models/**} */
	public SnapshotBuilder agent(long id, String name, String key, Instant revokedAt, Instant expiresAt, String... grants) {
		List<Grant> parsed = Arrays.stream(grants).map(Grant::parse).toList();
		agents.put(new Agent(id, name, AgentKey.displayPrefix(key), Instant.EPOCH, Instant.EPOCH, revokedAt, expiresAt, null, parsed),
				AgentKey.hash(key));
		return this;
	}

	public SnapshotBuilder agent(long id, String name, String key, String... grants) {
		return agent(id, name, key, null, null, grants);
	}

	public AccessSnapshot build() {
		return new AccessSnapshot(connections, agents);
	}

	/** The caller a request presenting {@code key} is identified as in {@code snapshot}. */
	public static Caller callerOf(AccessSnapshot snapshot, String key) {
		String hash = AgentKey.hash(key);
		return new Caller(snapshot.agentByKeyHash(hash), hash);
	}
}
