package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
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
		requireValidName(name);
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
			for (Grant grant : grants) {
				long connectionId = requireToolsOnMcp(grant, connections.byName(c, grant.connection())
						.orElseThrow(() -> AmkException.notFound("connection", grant.connection(),
								"Add it first with 'amk connection add', or see 'amk connection list'.")))
						.id();
				agents.insertGrant(c, id, connectionId, grant.rule());
			}
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
				a.grants());
	}

	public Agent revoke(String name) {
		return update(name, (c, a) -> {
			if (a.revokedAt() == null) {
				agents.setRevoked(c, a.id(), clock.instant());
			}
		});
	}

	public Agent enable(String name) {
		return update(name, (c, a) -> agents.setRevoked(c, a.id(), null));
	}

	/** A new key for the same identity, grants and history; the old key stops working at once. */
	public Issued rotate(String name) {
		String key = AgentKey.generate();
		Agent agent = update(name, (c, a) -> agents.setKey(c, a.id(), AgentKey.hash(key), AgentKey.displayPrefix(key), clock.instant()));
		return new Issued(agent, key);
	}

	/** Replaces all of an agent's grants. */
	public Agent setGrants(String name, List<Grant> grants) {
		requireDistinctConnections(grants);
		return update(name, (c, a) -> {
			agents.deleteGrants(c, a.id());
			for (Grant grant : grants) {
				long connectionId = requireToolsOnMcp(grant, connections.byName(c, grant.connection())
						.orElseThrow(() -> AmkException.notFound("connection", grant.connection(), "See 'amk connection list'.")))
						.id();
				agents.insertGrant(c, a.id(), connectionId, grant.rule());
			}
		});
	}

	public Agent setExpiry(String name, Instant expiresAt) {
		return update(name, (c, a) -> agents.setExpiry(c, a.id(), expiresAt));
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
			if (!seen.add(g.connection())) {
				throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.CONFLICT, w -> "Connection '" + g.connection()
						+ "' is granted twice; give one " + w.name(InvalidInput.Field.GRANT) + " per connection.");
			}
		}
	}
}
