package dev.amk.access;

import dev.amk.agents.AgentKey;
import dev.amk.agents.GrantRule;
import dev.amk.connections.Connection;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides whether a presented agent key may make a request: deny by default, in a fixed order
 * (key shape, key known, key live, connection known, grant, method, path). Pure and fast: it reads only
 * the current snapshot.
 */
public final class AccessPolicy {
	private final AccessRegistry registry;
	private final Clock clock;

	public AccessPolicy(AccessRegistry registry, Clock clock) {
		this.registry = registry;
		this.clock = clock;
	}

	public sealed interface Verdict {
	}

	/** May proceed. {@code keyHash} identifies the key, so that a running request can be cut when the key dies. */
	public record Allowed(AccessSnapshot.AgentEntry agent, Connection connection, GrantRule rule, String keyHash) implements Verdict {
	}

	/** Refused; {@code agent} is the identified agent's name when the key was known, else null. */
	public record Denied(Denial denial, String message, AccessSnapshot.AgentEntry agent) implements Verdict {
	}

	public Clock clock() {
		return clock;
	}

	public Verdict check(String presentedKey, String connectionName, String method, List<String> pathSegments) {
		if (presentedKey == null) {
			return new Denied(Denial.INVALID_KEY, "No agent key was sent. Send your amk_ key as the API key"
					+ " (Authorization: Bearer, x-api-key, x-goog-api-key, api-key, Basic password or ?key=).", null);
		}
		switch (AgentKey.shape(presentedKey)) {
			case MALFORMED -> {
				return new Denied(Denial.INVALID_KEY, "The key is not an Agent Master Key key (amk_ followed by 49 letters and digits)."
						+ " Use the key that 'amk agent create' printed.", null);
			}
			case BAD_CHECKSUM -> {
				return new Denied(Denial.INVALID_KEY, "The key's checksum does not match: it was mistyped or truncated."
						+ " Copy it again, or issue a new one with 'amk agent rotate NAME'.", null);
			}
			case VALID -> {
			}
		}
		AccessSnapshot snapshot = registry.current();
		byte[] presentedHash = AgentKey.sha256(presentedKey);
		String hexHash = java.util.HexFormat.of().formatHex(presentedHash);
		AccessSnapshot.AgentEntry entry = snapshot.agentByKeyHash(hexHash);
		if (entry == null || !MessageDigest.isEqual(entry.keyHash(), presentedHash)) {
			return new Denied(Denial.UNKNOWN_KEY, "This key was not issued by this broker, or it was rotated or deleted."
					+ " Ask the owner for a current key.", null);
		}
		Verdict liveness = liveness(entry, clock.instant());
		if (liveness != null) {
			return liveness;
		}
		Connection connection = snapshot.connection(connectionName);
		if (connection == null) {
			return new Denied(Denial.UNKNOWN_CONNECTION, "There is no connection named '" + connectionName + "'. The first path segment"
					+ " names the connection, as in http://127.0.0.1:PORT/openai/v1; see 'amk connection list'.", entry);
		}
		GrantRule rule = entry.grants().get(connectionName);
		if (rule == null) {
			return new Denied(Denial.SCOPE_DENIED, "Agent '" + entry.agent().name() + "' has no grant for connection '" + connectionName
					+ "'. It may reach: " + entry.agent().reach() + ".", entry);
		}
		if (!rule.allowsMethod(method)) {
			return new Denied(Denial.SCOPE_DENIED, "Agent '" + entry.agent().name() + "' has a " + describe(rule) + " grant on '"
					+ connectionName + "': " + method + " is not allowed (allowed: " + allowedMethods(rule) + ").", entry);
		}
		if (!rule.allowsPath(pathSegments)) {
			return new Denied(Denial.SCOPE_DENIED, "Agent '" + entry.agent().name() + "' may reach only " + rule.pathsColumn() + " on '"
					+ connectionName + "'; /" + String.join("/", pathSegments) + " is outside that.", entry);
		}
		return new Allowed(entry, connection, rule, hexHash);
	}

	/** Why a known key may no longer be used at {@code now}, or null if it may. */
	public static Denied liveness(AccessSnapshot.AgentEntry entry, Instant now) {
		var agent = entry.agent();
		if (agent.revokedAt() != null) {
			return new Denied(Denial.REVOKED_KEY, "Agent '" + agent.name() + "' has been revoked. Its owner can restore it with"
					+ " 'amk agent enable " + agent.name() + "'.", entry);
		}
		if (agent.expiresAt() != null && !now.isBefore(agent.expiresAt())) {
			return new Denied(Denial.EXPIRED_KEY, "Agent '" + agent.name() + "' expired at " + agent.expiresAt() + ". Its owner can issue"
					+ " a new agent or extend this one.", entry);
		}
		return null;
	}

	private static String describe(GrantRule rule) {
		return switch (rule.preset()) {
			case READ -> "read-only";
			case FULL -> "full";
			case CUSTOM -> "custom";
		};
	}

	private static String allowedMethods(GrantRule rule) {
		return rule.methods().isEmpty() ? "any" : rule.methods().stream().sorted().collect(Collectors.joining(", "));
	}
}
