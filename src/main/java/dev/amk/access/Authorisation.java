package dev.amk.access;

import dev.amk.agents.Agent;
import dev.amk.agents.GrantRule;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;

import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Whether an identified caller may reach a target now: deny by default, in a fixed order (the caller's key
 * still current, the agent live, the connection known, a grant for it, the method, the path). A pure
 * function of its arguments, so that a request is decided when it arrives and decided again, by the same
 * rules, whenever the registry changes while it runs (see {@code InFlightRequests}).
 */
public final class Authorisation {
	private Authorisation() {
	}

	public sealed interface Verdict permits Allowed, Refusal {
	}

	/**
	 * May proceed, to {@code connection} under {@code rule}; a rule with preset {@link GrantRule.Preset#ASK} allows it only
	 * once a person approves (the pipeline holds it until then).
	 */
	public record Allowed(AccessSnapshot.AgentEntry agent, Connection connection, GrantRule rule) implements Verdict {
	}

	public static Verdict authorise(AccessSnapshot snapshot, Caller caller, Target target, Instant now) {
		// Looked up again rather than taken from the caller: the caller may have been identified in an older snapshot.
		AccessSnapshot.AgentEntry entry = snapshot.agentByKeyHash(caller.keyHash());
		if (entry == null) {
			return new Refusal(ErrorType.UNKNOWN_KEY, "This key is no longer valid: its agent was deleted or the key was rotated."
					+ " Ask the owner for a current key.");
		}
		Agent agent = entry.agent();
		if (agent.revokedAt() != null) {
			return new Refusal(ErrorType.REVOKED_KEY, "Agent '" + agent.name() + "' has been revoked. Its owner can restore it with"
					+ " 'amk agent enable " + agent.name() + "'.");
		}
		if (agent.expiresAt() != null && !now.isBefore(agent.expiresAt())) {
			return new Refusal(ErrorType.EXPIRED_KEY, "Agent '" + agent.name() + "' expired at " + agent.expiresAt() + ". Its owner can issue"
					+ " a new agent or extend this one.");
		}
		String name = target.connection();
		Connection connection = snapshot.connection(name);
		if (connection == null) {
			return new Refusal(ErrorType.UNKNOWN_CONNECTION, "There is no connection named '" + name + "'. The first path segment"
					+ " names the connection, as in http://127.0.0.1:PORT/openai/v1; see 'amk connection list'.");
		}
		// An approval rule comes first: "github, but ask before a merge" must ask even though the grant allows the merge.
		for (GrantRule ask : entry.askRules(name)) {
			if (ask.covers(target.method(), target.segments())) {
				return new Allowed(entry, connection, ask);
			}
		}
		GrantRule rule = entry.grants().get(name);
		if (rule == null) {
			return new Refusal(ErrorType.SCOPE_DENIED, "Agent '" + agent.name() + "' has no grant for connection '" + name
					+ "'. It may reach: " + agent.reach() + ".");
		}
		// A read grant on AWS is a session policy that AWS enforces; its read-only calls are POSTs too.
		boolean methodsByProvider = rule.preset() == GrantRule.Preset.READ && connection.provider() != null
				&& connection.provider().enforcesReadItself();
		if (!methodsByProvider && !rule.allowsMethod(target.method())) {
			return new Refusal(ErrorType.SCOPE_DENIED, "Agent '" + agent.name() + "' has a " + describe(rule) + " grant on '" + name + "': "
					+ target.method() + " is not allowed (allowed: " + allowedMethods(rule) + ").");
		}
		if (!rule.allowsPath(target.segments())) {
			return new Refusal(ErrorType.SCOPE_DENIED, "Agent '" + agent.name() + "' may reach only " + rule.pathsColumn() + " on '" + name
					+ "'; /" + String.join("/", target.segments()) + " is outside that.");
		}
		return new Allowed(entry, connection, rule);
	}

	private static String describe(GrantRule rule) {
		return switch (rule.preset()) {
			case READ -> "read-only";
			case FULL -> "full";
			case CUSTOM -> "custom";
			case ASK -> "approval";
		};
	}

	private static String allowedMethods(GrantRule rule) {
		return rule.methods().isEmpty() ? "any" : rule.methods().stream().sorted().collect(Collectors.joining(", "));
	}
}
