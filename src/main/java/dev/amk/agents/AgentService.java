package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.HostPattern;
import dev.amk.common.InvalidInput;
import dev.amk.common.Names;
import dev.amk.connections.ConnectionRepository;
import dev.amk.db.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Agent identities and their grants. Keys leave this class exactly once, in {@link Issued}; only their
 * hashes are written. Every change commits before the method returns and then tells the after-commit
 * listener; a broker in another process sees it through the registry watcher.
 */
public final class AgentService {
	private final Database db;
	private final Clock clock;
	private final UsageSource usage;
	private final Runnable afterCommit;
	private final AgentRepository agents = new AgentRepository();
	private final AgentLimitsRepository limits = new AgentLimitsRepository();
	private final ConnectionRepository connections = new ConnectionRepository();

	public AgentService(Database db, Clock clock, UsageSource usage) {
		this(db, clock, usage, () -> { });
	}

	/**
	 * @param afterCommit runs after each committed change, on the thread that made it, before the method returns:
	 *                    in the broker process it reloads the access registry, so the proxy applies the change
	 *                    first. It must not throw: the change is committed whatever it does.
	 */
	public AgentService(Database db, Clock clock, UsageSource usage, Runnable afterCommit) {
		this.db = db;
		this.clock = clock;
		this.usage = usage;
		this.afterCommit = afterCommit;
	}

	/** A newly issued key: show it once, then let it go. */
	public record Issued(Agent agent, String key) {
	}

	/** The rule for an agent's name, for the app to check as the person types. */
	public static String requireValidName(String name) {
		return Names.requireValid("agent", name);
	}

	public Issued create(String name, List<Grant> grants, Instant expiresAt) {
		return create(name, grants, List.of(), expiresAt, AgentLimits.Change.NOTHING);
	}

	/** An agent that may also reach {@code allowedHosts} through blind tunnels in proxy mode. */
	public Issued create(String name, List<Grant> grants, List<HostPattern> allowedHosts, Instant expiresAt) {
		return create(name, grants, allowedHosts, expiresAt, AgentLimits.Change.NOTHING);
	}

	/** As {@link #create(String, List, List, Instant)}, with its limits set in the same commit. */
	public Issued create(String name, List<Grant> grants, List<HostPattern> allowedHosts, Instant expiresAt, AgentLimits.Change limitChange) {
		return create(name, grants, allowedHosts, expiresAt, limitChange, false);
	}

	/**
	 * A decoy: an agent with no grants whose key is meant never to be used (left where an intruder would look). Any use is
	 * answered exactly like an unknown key, audited as {@code decoy_used}, and raises an alert.
	 */
	public Issued createDecoy(String name, Instant expiresAt) {
		return create(name, List.of(), List.of(), expiresAt, AgentLimits.Change.NOTHING, true);
	}

	/** The names of the decoy agents, for lists to mark them. */
	public java.util.Set<String> decoyNames() {
		return db.read(c -> {
			java.util.Set<Long> ids = agents.decoyIds(c);
			return agents.all(c).stream().filter(a -> ids.contains(a.id())).map(Agent::name).collect(java.util.stream.Collectors.toSet());
		});
	}

	private Issued create(String name, List<Grant> grants, List<HostPattern> allowedHosts, Instant expiresAt, AgentLimits.Change limitChange,
			boolean decoy) {
		requireValidName(name);
		AgentLimits initial = AgentLimits.NONE.with(limitChange); // checked before anything is written
		requireDistinctConnections(grants);
		Instant now = clock.instant();
		if (expiresAt != null && !expiresAt.isAfter(now)) {
			throw new InvalidInput(InvalidInput.Field.EXPIRY, InvalidInput.Problem.MALFORMED, "The expiry must be in the future.");
		}
		String key = AgentKey.generate();
		commit(c -> {
			if (agents.byName(c, name).isPresent()) {
				throw new AmkException(ErrorType.ALREADY_EXISTS, "An agent named '" + name + "' already exists. Pick another name,"
						+ " or give it a new key with 'amk agent rotate " + name + "'.");
			}
			long id = agents.insert(c, name, AgentKey.hash(key), AgentKey.displayPrefix(key), now, expiresAt);
			if (decoy) {
				agents.markDecoy(c, id);
			}
			for (Grant grant : grants) {
				long connectionId = requireToolsOnMcp(grant, fitting(grant, connections.byName(c, grant.connection())
						.orElseThrow(() -> AmkException.notFound("connection", grant.connection(),
								"Add it first with 'amk connection add', or see 'amk connection list'."))))
						.id();
				agents.insertGrant(c, id, connectionId, grant.rule());
			}
			agents.replaceAllowedHosts(c, id, allowedHosts);
			limits.put(c, id, initial);
			return id;
		});
		return new Issued(get(name), key);
	}

	public List<Agent> list() {
		Map<Long, Instant> lastUsed = usage.lastUsedByAgentId();
		return db.read(agents::all).stream().map(a -> withLastUsed(a, lastUsed)).toList();
	}

	public Agent get(String name) {
		Agent agent = db.read(c -> agents.byName(c, name)).orElseThrow(() -> AmkException.notFound("agent", name, "See 'amk agent list'."));
		return withLastUsed(agent, usage.lastUsedByAgentId());
	}

	private static Agent withLastUsed(Agent a, Map<Long, Instant> lastUsed) {
		return new Agent(a.id(), a.name(), a.keyPrefix(), a.createdAt(), a.keyIssuedAt(), a.revokedAt(), a.expiresAt(), lastUsed.get(a.id()),
				a.grants(), a.allowedHosts(), a.parentId());
	}

	public Agent revoke(String name) {
		return update(name, (c, a) -> {
			if (a.revokedAt() == null) {
				agents.setRevoked(c, a.id(), clock.instant());
			}
			agents.setChildrenRevoked(c, a.id(), clock.instant()); // an amk run key dies with its parent's access
		});
	}

	/**
	 * @throws AmkException {@code invalid_argument} for a run key: revoked, it stays revoked (its run has given up renewing it,
	 *                      and its agent may be revoked too); a new {@code amk run} makes a new one
	 */
	public Agent enable(String name) {
		return update(name, (c, a) -> {
			refuseRunKey(a, "enabled again");
			agents.setRevoked(c, a.id(), null);
		});
	}

	/** A new key for the same identity, grants and history; the old key stops working at once. Not for a run key. */
	public Issued rotate(String name) {
		String key = AgentKey.generate();
		Agent agent = update(name, (c, a) -> {
			refuseRunKey(a, "rotated");
			agents.setKey(c, a.id(), AgentKey.hash(key), AgentKey.displayPrefix(key), clock.instant());
		});
		return new Issued(agent, key);
	}

	/** A run key belongs to its amk run: it can be revoked or deleted, not brought back or given a key the run does not hold. */
	private static void refuseRunKey(Agent a, String what) {
		if (a.isRunKey()) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "'" + a.name() + "' is the key of an amk run and cannot be " + what
					+ "; it ends with its run. Start a new run instead ('amk run AGENT -- COMMAND').");
		}
	}

	/** Replaces all of an agent's grants. */
	public Agent setGrants(String name, List<Grant> grants) {
		requireDistinctConnections(grants);
		return update(name, (c, a) -> {
			refuseRunKey(a, "given other grants"); // it could otherwise hold more than its agent
			agents.deleteGrants(c, a.id());
			for (Grant grant : grants) {
				long connectionId = requireToolsOnMcp(grant, fitting(grant, connections.byName(c, grant.connection())
						.orElseThrow(() -> AmkException.notFound("connection", grant.connection(), "See 'amk connection list'."))))
						.id();
				agents.insertGrant(c, a.id(), connectionId, grant.rule());
			}
			narrowChildren(c, a.id(), grants);
		});
	}

	/** A run key never holds more than its agent: grants its agent lost, or holds more narrowly now, go from its runs too. */
	private void narrowChildren(java.sql.Connection c, long parentId, List<Grant> parentGrants) throws java.sql.SQLException {
		Map<String, GrantRule> held = new java.util.HashMap<>();
		parentGrants.forEach(g -> held.put(g.connection(), g.rule()));
		for (Agent child : agents.all(c)) {
			if (child.parentId() == null || child.parentId() != parentId) {
				continue;
			}
			List<Grant> kept = child.grants().stream().filter(g -> held.containsKey(g.connection()) && g.rule().within(held.get(g.connection())))
					.toList();
			if (kept.size() != child.grants().size()) {
				agents.deleteGrants(c, child.id());
				for (Grant g : kept) {
					agents.insertGrant(c, child.id(), connections.byName(c, g.connection()).orElseThrow().id(), g.rule());
				}
			}
		}
	}

	/**
	 * A child key of {@code parentName} for {@code amk run}: an agent of its own named {@code PARENT.run-XXXXXX} (so that
	 * audit rows name both), with the parent's allowed hosts and either the parent's grants or narrower ones, whose
	 * expiry is a short lease the caller renews ({@link #renewLease}). Lapsed children of earlier runs are deleted first.
	 *
	 * @param grants   null for the parent's own grants; otherwise each must be within the parent's grant on that connection
	 * @param notAfter the latest the lease may ever reach ({@code --ttl}); null for no limit beyond the parent's own expiry
	 * @throws AmkException {@code agent_inactive} for a revoked or expired parent, {@code grant_too_wide} for a grant it does not hold
	 */
	public Issued createChild(String parentName, List<Grant> grants, java.time.Duration lease, Instant notAfter) {
		Agent parent = get(parentName);
		Instant now = clock.instant();
		if (parent.parentId() != null) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "'" + parentName + "' is itself the key of an amk run; start from the agent it was"
					+ " made from.");
		}
		if (parent.status(now) != Agent.Status.ACTIVE) {
			throw new AmkException(ErrorType.AGENT_INACTIVE, "Agent '" + parentName + "' is " + parent.status(now).id() + ", so amk run cannot"
					+ " act for it. " + (parent.revokedAt() != null ? "Enable it with 'amk agent enable " + parentName + "'."
					: "Give it a new expiry with 'amk agent set-expiry " + parentName + "'."));
		}
		List<Grant> chosen = grants == null ? parent.grants() : grants;
		requireDistinctConnections(chosen);
		Map<String, GrantRule> held = new java.util.HashMap<>();
		parent.grants().forEach(g -> held.put(g.connection(), g.rule()));
		for (Grant g : chosen) {
			GrantRule parentRule = held.get(g.connection());
			if (parentRule == null || !g.rule().within(parentRule)) {
				throw new AmkException(ErrorType.GRANT_TOO_WIDE, "Agent '" + parentName + "' " + (parentRule == null ? "has no grant on '"
						+ g.connection() + "'" : "holds only " + g.connection() + (parentRule.preset() == GrantRule.Preset.FULL ? "" : ":"
						+ parentRule.toSpec())) + ", so a run of it cannot have " + g.describe() + ". A run gets its agent's grants or narrower"
						+ " ones; it may reach: " + parent.reach() + ".");
			}
		}
		String base = parentName.length() > 53 ? parentName.substring(0, 53) : parentName;
		String name = base + ".run-" + java.util.HexFormat.of().formatHex(randomBytes(3));
		String key = AgentKey.generate();
		Instant leaseEnd = leaseEnd(now, lease, notAfter, parent);
		commit(c -> {
			agents.deleteLapsedChildren(c, now);
			long id = agents.insert(c, name, AgentKey.hash(key), AgentKey.displayPrefix(key), now, leaseEnd);
			agents.setParent(c, id, parent.id());
			for (Grant grant : chosen) {
				// fitting: a run's scopes= on AWS (or services= on Google Cloud) would be read as no limit at all.
				long connectionId = fitting(grant, connections.byName(c, grant.connection())
						.orElseThrow(() -> AmkException.notFound("connection", grant.connection(), "See 'amk connection list'.")))
						.id();
				agents.insertGrant(c, id, connectionId, grant.rule());
			}
			agents.replaceAllowedHosts(c, id, parent.allowedHosts());
			return id;
		});
		return new Issued(get(name), key);
	}

	/**
	 * Moves a child's lease on to {@code now + lease} (within {@code notAfter} and its parent's expiry) and returns the new
	 * end; null when the child is gone or its parent no longer active, which ends the run's key for good.
	 */
	public Instant renewLease(String childName, java.time.Duration lease, Instant notAfter) {
		return commit(c -> {
			Agent child = agents.byName(c, childName).orElse(null);
			if (child == null || child.parentId() == null || child.revokedAt() != null) {
				return null;
			}
			Agent parent = agents.all(c).stream().filter(a -> a.id() == child.parentId()).findFirst().orElse(null);
			Instant now = clock.instant();
			if (parent == null || parent.status(now) != Agent.Status.ACTIVE || !child.expiresAt().isAfter(now)) {
				return null;
			}
			Instant end = leaseEnd(now, lease, notAfter, parent);
			agents.setExpiry(c, child.id(), end);
			return end;
		});
	}

	/** Deletes a child key of amk run (only a child: a top-level agent is never deleted this way). */
	public void deleteChild(String childName) {
		commit(c -> {
			Agent child = agents.byName(c, childName).orElse(null);
			if (child != null && child.parentId() != null) {
				agents.delete(c, child.id());
			}
			return null;
		});
	}

	private static final java.security.SecureRandom RUN_IDS = new java.security.SecureRandom();

	private static byte[] randomBytes(int n) {
		byte[] b = new byte[n];
		RUN_IDS.nextBytes(b);
		return b;
	}

	private static Instant leaseEnd(Instant now, java.time.Duration lease, Instant notAfter, Agent parent) {
		Instant end = now.plus(lease);
		if (notAfter != null && notAfter.isBefore(end)) {
			end = notAfter;
		}
		if (parent.expiresAt() != null && parent.expiresAt().isBefore(end)) {
			end = parent.expiresAt();
		}
		return end;
	}

	/** Replaces the hosts an agent may reach through blind tunnels. */
	public Agent setAllowedHosts(String name, List<HostPattern> hosts) {
		return update(name, (c, a) -> {
			refuseRunKey(a, "given other hosts");
			agents.replaceAllowedHosts(c, a.id(), hosts);
		});
	}

	public Agent setExpiry(String name, Instant expiresAt) {
		return update(name, (c, a) -> {
			refuseRunKey(a, "given another expiry"); // its lease is its run's to renew (renewLease), never past its agent's
			agents.setExpiry(c, a.id(), expiresAt);
		});
	}

	/** The agent's limits ({@link AgentLimits#NONE} when it has none). */
	public AgentLimits limits(String name) {
		return db.read(c -> {
			Agent agent = agents.byName(c, name).orElseThrow(() -> AmkException.notFound("agent", name, "See 'amk agent list'."));
			return limits.of(c, agent.id());
		});
	}

	/** Every agent's limits by agent id; agents without limits are absent. */
	public Map<Long, AgentLimits> allLimits() {
		return db.read(limits::all);
	}

	/** Changes the limits {@code change} names; the others stay. Returns the agent's limits after the change. */
	public AgentLimits setLimits(String name, AgentLimits.Change change) {
		return commit(c -> {
			Agent agent = agents.byName(c, name).orElseThrow(() -> AmkException.notFound("agent", name, "See 'amk agent list'."));
			AgentLimits changed = limits.of(c, agent.id()).with(change);
			limits.put(c, agent.id(), changed);
			return changed;
		});
	}

	public void delete(String name) {
		commit(c -> {
			Agent agent = agents.byName(c, name).orElseThrow(() -> AmkException.notFound("agent", name, "See 'amk agent list'."));
			agents.delete(c, agent.id());
			return null;
		});
	}

	private interface Change {
		void apply(java.sql.Connection c, Agent agent) throws java.sql.SQLException;
	}

	private Agent update(String name, Change change) {
		commit(c -> {
			Agent agent = agents.byName(c, name).orElseThrow(() -> AmkException.notFound("agent", name, "See 'amk agent list'."));
			change.apply(c, agent);
			return null;
		});
		return get(name);
	}

	private <T> T commit(Database.SqlWork<T> change) {
		T result = db.inTransaction(change);
		afterCommit.run();
		return result;
	}

	/** A per-tool grant means something only where the broker reads JSON-RPC: on an MCP server connection. */
	private static dev.amk.connections.Connection requireToolsOnMcp(Grant grant, dev.amk.connections.Connection connection) {
		if (grant.rule().limitsTools() && !connection.provider().speaksMcp()) {
			throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.UNSUPPORTED, "'" + connection.name() + "' is not an MCP server"
					+ " (its provider is " + connection.provider().id() + "), so a tools= grant cannot apply to it. Use methods and paths instead.");
		}
		return connection;
	}

	private static void requireDistinctConnections(List<Grant> grants) {
		Set<String> seen = new HashSet<>();
		for (Grant g : grants) {
			if (g.rule().preset() == GrantRule.Preset.ASK) {
				continue; // approval rules sit beside the connection's one grant, as many as wanted
			}
			if (!seen.add(g.connection())) {
				throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.CONFLICT, w -> "Connection '" + g.connection()
						+ "' is granted twice; give one " + w.name(InvalidInput.Field.GRANT) + " per connection.");
			}
		}
	}

	/**
	 * A session policy or service list means something only to AWS, a scope list only to Google Cloud: elsewhere either would
	 * silently grant everything.
	 */
	private static dev.amk.connections.Connection fitting(Grant grant, dev.amk.connections.Connection connection) {
		CloudLimits cloud = grant.rule().cloud();
		if (cloud != null && cloud.isGoogle() && !connection.provider().takesTokenScopes()) {
			throw AmkException.invalid("'" + grant.connection() + ":" + grant.rule().toSpec() + "': scopes= grants are for Google Cloud"
					+ " connections; '" + grant.connection() + "' is " + connection.provider().displayName() + "."
					+ (connection.provider().takesSessionPolicy() ? " On AWS use read, services=S,… or policy=FILE.json." : " Use read, full or METHODS:PATHS."));
		}
		if (cloud != null && !cloud.isGoogle() && !connection.provider().takesSessionPolicy()) {
			throw AmkException.invalid("'" + grant.connection() + ":" + grant.rule().toSpec() + "': policy= and services= grants are for AWS"
					+ " connections; '" + grant.connection() + "' is " + connection.provider().displayName() + "."
					+ (connection.provider().takesTokenScopes() ? " On Google Cloud use read or scopes=NAME,…." : " Use read, full or METHODS:PATHS."));
		}
		return connection;
	}
}
