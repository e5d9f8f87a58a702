package dev.amk.mcp;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentKey;
import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Pointing an MCP client at the broker for one agent, shared by {@code amk mcp setup} and the app's "Set up an MCP
 * client…": which of the agent's grants are MCP servers, where the client's file lives, the agent's key checked or a new one
 * made, and {@link ClientSetup} run first as a preview, then for real.
 *
 * <p>Keys are stored only as hashes, so the broker cannot write an existing key into a file: the caller passes the agent's
 * current key (its checksum and shown prefix must match the agent), or null to rotate the key, in which case the new key goes
 * only into the file (the old one stops working). The file is checked before the key changes: a file that cannot be
 * parsed must not cost the agent its working key. Diffs come back with the key shortened to its shown prefix.
 */
public final class McpSetupService {
	private final AgentService agents;
	private final ConnectionService connections;
	private final Clock clock;
	private final Path home;
	private final String osName;

	/** @param home the user's home directory, where the clients keep their user-level files */
	public McpSetupService(AgentService agents, ConnectionService connections, Clock clock, Path home, String osName) {
		this.agents = agents;
		this.connections = connections;
		this.clock = clock;
		this.home = home;
		this.osName = osName;
	}

	/** What was done, or would be: {@link ClientSetup}'s result, its diff with the key shortened, and whether the key was rotated. */
	public record Outcome(ClientSetup.Result result, String diff, List<ClientSetup.Server> servers, boolean rotated) {
	}

	/** The client's user-level file in this user's home ({@code ~/.claude.json}, …). */
	public Path defaultFile(ClientSetup.Client client) {
		return client.defaultFile(home, osName);
	}

	/** The MCP servers {@code agentName} is granted, each at {@code http://127.0.0.1:PORT/NAME}; refused when there is none. */
	public List<ClientSetup.Server> servers(String agentName, int port) {
		Agent agent = agents.get(agentName);
		List<ClientSetup.Server> servers = new ArrayList<>();
		for (Grant g : agent.grants()) {
			Connection c = connections.get(g.connection());
			if (c.provider().speaksMcp() && servers.stream().noneMatch(s -> s.name().equals(c.name()))) {
				servers.add(new ClientSetup.Server(c.name(), "http://127.0.0.1:" + port + "/" + c.name()));
			}
		}
		if (servers.isEmpty()) {
			throw AmkException.invalid("'" + agentName + "' is granted no MCP server. Grant one first: amk agent create … --grant NAME, where NAME"
					+ " was added with amk mcp add (or Add MCP server in the app).");
		}
		return servers;
	}

	/**
	 * The change {@link #apply} would make, writing nothing.
	 *
	 * @param key the agent's current key, or null when the key is to be rotated (a placeholder then stands for the new key)
	 */
	public Outcome preview(ClientSetup.Client client, String agentName, Path file, int port, String key) {
		List<ClientSetup.Server> servers = servers(agentName, port);
		String shown = key == null ? AgentKey.PREFIX + "NEW_KEY_AFTER_ROTATION" : requireCurrentKey(agentName, key);
		return outcome(new ClientSetup(clock).apply(client, file, servers, shown, true), shown, servers, false);
	}

	/**
	 * Writes the client's entries: a backup first, the rest of the file kept, nothing written when nothing changes.
	 *
	 * @param key the agent's current key, or null to give the agent a new key that goes only into the file
	 */
	public Outcome apply(ClientSetup.Client client, String agentName, Path file, int port, String key) {
		List<ClientSetup.Server> servers = servers(agentName, port);
		ClientSetup setup = new ClientSetup(clock);
		String written;
		if (key != null) {
			written = requireCurrentKey(agentName, key);
		} else {
			setup.apply(client, file, servers, AgentKey.PREFIX + "CHECK", true); // throws for a file it would not touch
			written = agents.rotate(agentName).key();
		}
		return outcome(setup.apply(client, file, servers, written, false), written, servers, key == null);
	}

	private String requireCurrentKey(String agentName, String key) {
		Agent agent = agents.get(agentName);
		String k = key.strip();
		if (AgentKey.shape(k) == AgentKey.Shape.MALFORMED || !AgentKey.displayPrefix(k).equals(agent.keyPrefix())) {
			throw AmkException.invalid("That is not the current key of '" + agentName + "' (its checksum or prefix does not match). Paste its"
					+ " current key, or give it a new one written only into the file (amk mcp setup … --rotate; in the app, \"A new key\").");
		}
		return k;
	}

	private static Outcome outcome(ClientSetup.Result result, String key, List<ClientSetup.Server> servers, boolean rotated) {
		// The diff goes to a terminal or a window: never the whole key.
		String diff = result.diff().replace(key, AgentKey.displayPrefix(key) + "…");
		return new Outcome(result, diff, servers, rotated);
	}
}
