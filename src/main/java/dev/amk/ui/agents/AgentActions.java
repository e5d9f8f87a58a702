package dev.amk.ui.agents;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.RegistryView;
import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.limits.UsageLedger;
import dev.amk.limits.UsageStore;
import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.mcp.McpSetupService;
import dev.amk.providers.SetupSnippet;
import dev.amk.proxy.McpToolLister;
import dev.amk.proxy.ProxySettings;
import dev.amk.ui.common.FieldLabels;
import dev.amk.ui.common.OffFxThread;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the agent dialogs ask of the broker: create, change grants and expiry, rotate, delete. Each call runs on
 * the background executor (the service makes the proxy apply the change before it returns, so before anyone is
 * told it is done) and completes its future on the FX thread, after the agent list has been refreshed.
 *
 * <p>Keys pass through here only inside the {@link AgentService.Issued} a future completes with; nothing here
 * keeps one. Failures complete the future with an {@link AmkException}, whose message is written for a person
 * and never holds a key.
 */
public final class AgentActions {
	private static final System.Logger LOG = System.getLogger(AgentActions.class.getName());

	private final RegistryView registry;
	private final AgentService agents;
	private final Clock clock;
	private final Executor background;
	private final Consumer<String> errors;
	/** Where agents reach the proxy, for their setup text; the app sets the real port once the broker listens. */
	private volatile int proxyPort = ProxySettings.DEFAULT_PORT;
	/** The broker's usage totals, for the editor's chart; null when the app runs without them. */
	private volatile UsageLedger usage;
	/** The live tool lists of MCP servers and the MCP client setup; null when the app runs without them. */
	private volatile McpToolLister mcpTools;
	private volatile McpSetupService mcpSetup;

	/** @param errors told (on the FX thread) of a failed rotate or delete, and of success with null; the dialogs report their own */
	public AgentActions(RegistryView registry, AgentService agents, Clock clock, Executor background, Consumer<String> errors) {
		this.registry = registry;
		this.agents = agents;
		this.clock = clock;
		this.background = background;
		this.errors = errors;
	}

	public int proxyPort() {
		return proxyPort;
	}

	public void setProxyPort(int port) {
		this.proxyPort = port;
	}

	/** {@code http://127.0.0.1:PORT/CONNECTION}. */
	public String proxyBase(String connection) {
		return SetupSnippet.proxyBase(proxyPort, connection);
	}

	public Clock clock() {
		return clock;
	}

	void setUsage(UsageLedger usage) {
		this.usage = usage;
	}

	/** Where the editor's tool picker lists an MCP server's tools, and where "Set up an MCP client…" writes. */
	public void setMcp(McpToolLister tools, McpSetupService setup) {
		this.mcpTools = tools;
		this.mcpSetup = setup;
	}

	/** Whether the tool picker can list tools live (the app was given the lister). */
	boolean canListTools() {
		return mcpTools != null;
	}

	/**
	 * The tools {@code connection}'s MCP server lists now, fetched in the background with the connection's real credential;
	 * fails with an {@link AmkException} whose message says what went wrong (unreachable, needs a new sign-in) and what to do.
	 */
	public CompletableFuture<List<McpToolLister.Tool>> mcpTools(Connection connection) {
		McpToolLister lister = mcpTools;
		if (lister == null) {
			return CompletableFuture.failedFuture(AmkException.invalid("Listing tools is not available here; type the tool names with amk agent"
					+ " create … --grant '" + connection.name() + ":tools=NAME,…' instead."));
		}
		return OffFxThread.call(background, () -> {
			try {
				return lister.list(connection);
			} catch (AmkException e) {
				throw e;
			} catch (RuntimeException e) {
				LOG.log(System.Logger.Level.ERROR, "Listing the tools of " + connection.name() + " failed", e);
				throw new AmkException(ErrorType.INTERNAL_ERROR, "The tools of '" + connection.name() + "' could not be listed ("
						+ e.getClass().getSimpleName() + "). Try again; if it keeps failing, the app's log in the data folder says why.", e);
			}
		}, () -> { });
	}

	/** The MCP client setup; null when the app runs without it. */
	McpSetupService mcpSetup() {
		return mcpSetup;
	}

	/** Runs {@code work} on the background executor, completing on the FX thread (a failure as an {@link AmkException} for a person). */
	<T> CompletableFuture<T> inBackground(Callable<T> work) {
		return submit(work);
	}

	/** The agent's LLM use over the last {@code days} UTC days, read in the background; empty when usage is not available. */
	public CompletableFuture<List<UsageStore.Day>> recentUsage(Agent agent, int days) {
		UsageLedger u = usage;
		if (u == null) {
			return CompletableFuture.completedFuture(List.of());
		}
		return CompletableFuture.supplyAsync(() -> u.recentDays(agent.id(), days), background);
	}

	/** Every connection an agent could be granted, by name. Reads the in-memory snapshot: cheap on the FX thread. */
	public List<Connection> connections() {
		return registry.current().connections().stream().sorted(Comparator.comparing(Connection::name)).toList();
	}

	/** The agent as the running broker knows it, or empty if it was deleted meanwhile (say, from the CLI). */
	public Optional<Agent> agent(String name) {
		return registry.current().agents().stream().map(AccessSnapshot.AgentEntry::agent).filter(a -> a.name().equals(name)).findFirst();
	}

	/** The granted connections that still exist, in grant order: what the result screen shows setup for. */
	public List<Connection> grantedConnections(Agent agent) {
		AccessSnapshot snapshot = registry.current();
		return agent.grants().stream().map(g -> snapshot.connection(g.connection())).filter(c -> c != null).toList();
	}

	/** Creates an agent; the future's {@code Issued} carries its key, to be shown once and dropped. */
	public CompletableFuture<AgentService.Issued> create(String name, List<Grant> grants, Instant expiresAt) {
		return create(name, grants, expiresAt, AgentLimits.Change.NOTHING);
	}

	/** Creates an agent with its limits, in one commit. */
	public CompletableFuture<AgentService.Issued> create(String name, List<Grant> grants, Instant expiresAt, AgentLimits.Change limits) {
		return submit(() -> agents.create(name, grants, List.of(), expiresAt, limits));
	}

	/** The agent's limits as the running broker holds them. */
	public AgentLimits limits(Agent agent) {
		return registry.current().limits(agent.id());
	}

	/** As {@link #update(String, List, boolean, Instant)}, and the agent's limits changed as {@code limits} says. */
	public CompletableFuture<Agent> update(String name, List<Grant> grants, boolean changeExpiry, Instant expiresAt, AgentLimits.Change limits) {
		return submit(() -> {
			agents.setLimits(name, limits);
			Agent updated = agents.setGrants(name, grants);
			return changeExpiry ? agents.setExpiry(name, expiresAt) : updated;
		});
	}

	/** Replaces the agent's grants and, when {@code changeExpiry}, its expiry ({@code null}: never expires). */
	public CompletableFuture<Agent> update(String name, List<Grant> grants, boolean changeExpiry, Instant expiresAt) {
		return submit(() -> {
			Agent updated = agents.setGrants(name, grants);
			return changeExpiry ? agents.setExpiry(name, expiresAt) : updated;
		});
	}

	/** A new key for the agent; the old one is refused from the moment the future completes (earlier, in fact). */
	public CompletableFuture<AgentService.Issued> rotate(String name) {
		return reported(submit(() -> agents.rotate(name)));
	}

	public CompletableFuture<Void> delete(String name) {
		return reported(submit(() -> {
			agents.delete(name);
			return null;
		}));
	}

	private <T> CompletableFuture<T> reported(CompletableFuture<T> future) {
		return future.whenComplete((value, failure) -> errors.accept(failure == null ? null : message(failure)));
	}

	/** The message of a failure from one of these futures, for a person. */
	public static String message(Throwable failure) {
		Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		return FieldLabels.message(t);
	}

	private <T> CompletableFuture<T> submit(Callable<T> work) {
		return OffFxThread.call(background, () -> {
			try {
				return work.call();
			} catch (AmkException e) {
				throw e;
			} catch (Exception e) {
				// Not a key in sight: keys live only in Issued, which exceptions never carry.
				LOG.log(System.Logger.Level.ERROR, "An agent change failed", e);
				throw new AmkException(ErrorType.INTERNAL_ERROR, "The change could not be saved (" + e.getClass().getSimpleName()
						+ "). Try again; if it keeps failing, the app's log in the data folder says why.", e);
			}
		}, () -> { });
	}
}
