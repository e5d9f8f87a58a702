package dev.amk.agents;

import dev.amk.common.HostPattern;

import java.time.Instant;
import java.util.List;

/**
 * An agent identity as the registry holds it: no key, only its hash's owner and a display prefix.
 *
 * @param allowedHosts hosts it may reach through a blind, audited tunnel in proxy mode ({@code --allow-host})
 * @param parentId     for a child key of {@code amk run}, the agent it was made from; null otherwise
 */
public record Agent(long id, String name, String keyPrefix, Instant createdAt, Instant keyIssuedAt, Instant revokedAt, Instant expiresAt,
		Instant lastUsedAt, List<Grant> grants, List<HostPattern> allowedHosts, Long parentId) {

	public Agent {
		allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
	}

	/** A top-level agent without allowed hosts. */
	public Agent(long id, String name, String keyPrefix, Instant createdAt, Instant keyIssuedAt, Instant revokedAt, Instant expiresAt,
			Instant lastUsedAt, List<Grant> grants) {
		this(id, name, keyPrefix, createdAt, keyIssuedAt, revokedAt, expiresAt, lastUsedAt, grants, List.of(), null);
	}

	/** Whether this is the child key of an {@code amk run}: it lives as long as the run, under its parent. */
	public boolean isRunKey() {
		return parentId != null;
	}

	/**
	 * {@code agents} as lists show them: top-level agents by name, each followed by its run keys by name (a run key whose
	 * parent is not among them, which a consistent database never has, comes last rather than being hidden).
	 */
	public static List<Agent> runKeysUnderParents(java.util.Collection<Agent> agents) {
		java.util.Comparator<Agent> byName = java.util.Comparator.comparing(Agent::name);
		java.util.Map<Long, List<Agent>> children = new java.util.HashMap<>();
		agents.stream().filter(Agent::isRunKey).sorted(byName).forEach(a -> children.computeIfAbsent(a.parentId(), k -> new java.util.ArrayList<>()).add(a));
		List<Agent> ordered = new java.util.ArrayList<>(agents.size());
		agents.stream().filter(a -> !a.isRunKey()).sorted(byName).forEach(a -> {
			ordered.add(a);
			ordered.addAll(children.getOrDefault(a.id(), List.of()));
		});
		agents.stream().filter(a -> a.isRunKey() && !ordered.contains(a)).sorted(byName).forEach(ordered::add);
		return ordered;
	}

	/** Whether a blind tunnel to {@code host} (lower case, no port) is allowed. */
	public boolean allowsHost(String host) {
		return allowedHosts.stream().anyMatch(p -> p.matches(host));
	}

	public enum Status {
		ACTIVE, REVOKED, EXPIRED;

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	public Status status(Instant now) {
		if (revokedAt != null) {
			return Status.REVOKED;
		}
		if (expiresAt != null && !now.isBefore(expiresAt)) {
			return Status.EXPIRED;
		}
		return Status.ACTIVE;
	}

	/** "openai · github (read)", or "nothing" for an agent without grants. */
	public String reach() {
		return grants.isEmpty() ? "nothing" : String.join(" · ", grants.stream().map(Grant::describe).toList());
	}
}
