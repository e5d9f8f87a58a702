package dev.amk.cli;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.common.Durations;
import dev.amk.common.HostPattern;
import dev.amk.common.InvalidInput;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionRepository;
import dev.amk.providers.SetupSnippet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code amk agent …}: agent identities, their keys and grants. */
@Command(name = "agent", description = "Create, list, revoke and rotate agent keys.",
		subcommands = {AgentCommand.Create.class, AgentCommand.ListCmd.class, AgentCommand.Revoke.class, AgentCommand.Enable.class,
				AgentCommand.Rotate.class, AgentCommand.Delete.class, AgentCommand.SetGrants.class,
				AgentCommand.SetExpiry.class, AgentCommand.Limit.class})
final class AgentCommand extends AmkCommand.Group {

	@Command(name = "create", description = {"Create an agent and print its key (shown once).",
			"GRANT is CONN (everything), CONN:read (GET, HEAD, OPTIONS), CONN:GET,POST or CONN:METHODS:/path/glob,/other/**."})
	static final class Create extends AmkCommand.NamedLeaf {
		@Option(names = "--grant", paramLabel = "GRANT", description = "A connection the agent may use; repeat for more.")
		List<String> grants = new ArrayList<>();

		@Option(names = "--expires", paramLabel = "WHEN", description = "Key lifetime (90m, 24h, 7d) or an ISO instant.")
		String expires;

		@Option(names = "--allow-host", paramLabel = "PATTERN", description = {"In proxy mode, let the agent reach this host (or *.domain)"
				+ " through a blind, audited tunnel; repeatable. Never an IP address or this machine."})
		List<String> allowHosts = new ArrayList<>();

		@Option(names = "--decoy", description = {"A key meant never to be used: plant it where an intruder would look. Any use is",
				"answered like an unknown key, audited as decoy_used, and raises an alert in the app."})
		boolean decoy;

		@Mixin
		LimitOptions limits = new LimitOptions();

		@Override
		public Integer call() {
			Instant expiresAt = expires == null ? null : Durations.parseExpiry(expires, ctx().clock().instant());
			if (decoy) {
				if (!grants.isEmpty() || !allowHosts.isEmpty()) {
					throw new picocli.CommandLine.ParameterException(spec.commandLine(), "A decoy has no grants: leave out --grant and --allow-host.");
				}
				AgentService.Issued issued = ctx().agents().createDecoy(name, expiresAt);
				printDecoy(this, issued);
				return 0;
			}
			AgentService.Issued issued = ctx().agents().create(name, grants.stream().map(Grant::parse).toList(), allowedHosts(allowHosts),
					expiresAt, limits.change(false));
			printIssued(this, issued, "Created agent");
			return 0;
		}
	}

	@Command(name = "limit", description = {"Change an agent's limits; the options given change those limits, the others stay.",
			"Budgets count LLM connections (OpenAI, Anthropic, Gemini), by UTC day and month; see 'amk usage'."})
	static final class Limit extends AmkCommand.NamedLeaf {
		@Mixin
		LimitOptions limits = new LimitOptions();

		@Option(names = "--clear", description = {"Remove all limits first (then apply any others given); with --connection, only the",
				"limits on that connection."})
		boolean clear;

		@Option(names = "--connection", paramLabel = "CONN", description = {"Change the agent's limits on this connection alone (--rpm,",
				"--concurrent and --clear), on top of its limits across all connections."})
		String connection;

		@Override
		public Integer call() {
			AgentLimits.Change change;
			if (connection != null) {
				if (!limits.onlyRates()) {
					throw new picocli.CommandLine.ParameterException(spec.commandLine(), "With --connection only --rpm, --concurrent and --clear apply:"
							+ " budgets and models count for the agent as a whole. Give those without --connection.");
				}
				change = limits.connectionChange(connection, clear);
			} else {
				change = limits.change(clear);
			}
			AgentLimits now = change.isNothing() ? ctx().agents().limits(name) : ctx().agents().setLimits(name, change);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("name", name);
			json.put("limits", now.toJson());
			respond(json, (change.isNothing() ? "'" + name + "' has limits: " : "'" + name + "' now has limits: ") + now.describe() + ".");
			return 0;
		}
	}

	@Command(name = "list", description = "List agents: status, reach, limits, last use.")
	static final class ListCmd extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			// A run key (amk run's child key) right under its agent, so that a person sees what a run may reach and for how long.
			List<Agent> agents = Agent.runKeysUnderParents(ctx().agents().list());
			Map<Long, String> names = new java.util.HashMap<>();
			agents.forEach(a -> names.put(a.id(), a.name()));
			java.util.Set<String> decoys = ctx().agents().decoyNames();
			Map<Long, AgentLimits> limits = ctx().agents().allLimits();
			Instant now = ctx().clock().instant();
			if (json()) {
				Output.printJson(ctx().out(), agents.stream().map(a -> {
					Map<String, Object> m = toJson(a, now);
					m.put("decoy", decoys.contains(a.name()));
					m.put("parent", a.isRunKey() ? names.get(a.parentId()) : null);
					m.put("limits", limits.getOrDefault(a.id(), AgentLimits.NONE).toJson());
					return m;
				}).toList());
				return 0;
			}
			if (agents.isEmpty()) {
				ctx().out().println("No agents yet. Create one: amk agent create NAME --grant CONNECTION");
				ctx().out().flush();
				return 0;
			}
			Output.printTable(ctx().out(), List.of("NAME", "STATUS", "KEY", "MAY REACH", "LIMITS", "EXPIRES", "LAST USED"), agents.stream()
					.map(a -> List.of(a.isRunKey() ? "  ↳ " + a.name() : a.name(), a.status(now).id() + (decoys.contains(a.name()) ? " (decoy)"
							: a.isRunKey() ? " (run key)" : ""), a.keyPrefix() + "…",
							decoys.contains(a.name()) ? "nothing: a decoy" : a.reach() + (a.allowedHosts().isEmpty() ? ""
									: " · tunnels to " + String.join(", ", a.allowedHosts().stream().map(HostPattern::pattern).toList())),
							limits.getOrDefault(a.id(), AgentLimits.NONE).describe(),
							a.expiresAt() == null ? "never" : Durations.until(a.expiresAt(), now),
							a.lastUsedAt() == null ? "never" : Durations.ago(a.lastUsedAt(), now)))
					.toList());
			return 0;
		}
	}

	@Command(name = "revoke", description = "Cut an agent off at once, in-flight requests included; 'enable' restores it.")
	static final class Revoke extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			Agent a = ctx().agents().revoke(name);
			report(this, a, "Revoked '" + name + "'. Its key is refused from now on; 'amk agent enable " + name + "' restores it.");
			return 0;
		}
	}

	@Command(name = "enable", description = "Restore a revoked agent with its existing key.")
	static final class Enable extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			Agent a = ctx().agents().enable(name);
			report(this, a, "Enabled '" + name + "'. Its key works again" + (a.status(ctx().clock().instant()) == Agent.Status.EXPIRED
					? ", but it has expired: give it a new expiry with 'amk agent set-expiry " + name + " 7d'." : "."));
			return 0;
		}
	}

	@Command(name = "rotate", description = "Issue a new key for the agent; the old one stops working at once.")
	static final class Rotate extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			printIssued(this, ctx().agents().rotate(name), "Rotated the key of");
			return 0;
		}
	}

	@Command(name = "delete", description = "Delete an agent and its grants; its key stops working at once.")
	static final class Delete extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			ctx().agents().delete(name);
			respond(Map.of("deleted", name), "Deleted '" + name + "'.");
			return 0;
		}
	}

	@Command(name = "set-expiry", description = "Change when an agent's key expires: a duration from now (90m, 24h, 7d), an ISO instant, or 'never'.")
	static final class SetExpiry extends AmkCommand.NamedLeaf {
		@Parameters(index = "1", paramLabel = "WHEN")
		String when;

		@Override
		public Integer call() {
			Instant expiresAt = when.equalsIgnoreCase("never") ? null : Durations.parseExpiry(when, ctx().clock().instant());
			Agent a = ctx().agents().setExpiry(name, expiresAt);
			report(this, a, expiresAt == null ? "'" + name + "' no longer expires." : "'" + name + "' now expires at " + expiresAt + ".");
			return 0;
		}
	}

	@Command(name = "set-grants", description = "Replace all of an agent's grants.")
	static final class SetGrants extends AmkCommand.NamedLeaf {
		@Option(names = "--grant", paramLabel = "GRANT", description = "As for 'agent create'; none leaves the agent unable to do anything.")
		List<String> grants = new ArrayList<>();

		@Option(names = "--allow-host", paramLabel = "PATTERN", description = {"As for 'agent create'. Given: replaces the allowed hosts;"
				+ " not given: they stay. --allow-host none removes them all."})
		List<String> allowHosts;

		@Override
		public Integer call() {
			List<Grant> parsed = grants.stream().map(Grant::parse).toList();
			List<HostPattern> hosts = allowHosts == null ? null : allowHosts.equals(List.of("none")) ? List.of() : allowedHosts(allowHosts);
			Agent a = ctx().agents().setGrants(name, parsed);
			if (hosts != null) {
				a = ctx().agents().setAllowedHosts(name, hosts);
			}
			report(this, a, "'" + name + "' may now reach: " + a.reach() + ".");
			return 0;
		}
	}

	private static List<HostPattern> allowedHosts(List<String> patterns) {
		return patterns.stream().map(p -> HostPattern.parse(InvalidInput.Field.ALLOW_HOST, p)).distinct().toList();
	}

	private static void report(AmkCommand.Leaf cmd, Agent agent, String message) {
		cmd.respond(toJson(agent, cmd.ctx().clock().instant()), message);
	}

	private static void printDecoy(AmkCommand.Leaf cmd, AgentService.Issued issued) {
		CliContext ctx = cmd.ctx();
		if (cmd.json()) {
			Map<String, Object> m = toJson(issued.agent(), ctx.clock().instant());
			m.put("decoy", true);
			m.put("key", issued.key());
			Output.printJson(ctx.out(), m);
			return;
		}
		PrintWriter out = ctx.out();
		out.printf("Created decoy '%s'. Its key is shown only this once:%n%n  %s%n%n", issued.agent().name(), issued.key());
		out.println("Plant it where only an intruder would find it (an old .env, a CI variable nobody uses). Any use is answered like"
				+ " an unknown key, audited as decoy_used, and raises an alert in the app.");
		out.flush();
	}

	private static void printIssued(AmkCommand.Leaf cmd, AgentService.Issued issued, String verb) {
		CliContext ctx = cmd.ctx();
		Agent agent = issued.agent();
		int port = ctx.expectedPort();
		Map<String, Connection> connections = new LinkedHashMap<>();
		for (Connection c : ctx.registry().read(new ConnectionRepository()::all)) {
			connections.put(c.name(), c);
		}
		Map<String, List<String>> setup = new LinkedHashMap<>();
		for (Grant g : agent.grants()) {
			Connection c = connections.get(g.connection());
			if (c != null) {
				setup.put(g.connection(), c.provider().agentSetup(SetupSnippet.proxyBase(port, c.name()), issued.key()));
			}
		}
		if (cmd.json()) {
			Map<String, Object> m = toJson(agent, ctx.clock().instant());
			m.put("key", issued.key());
			m.put("setup", setup);
			Output.printJson(ctx.out(), m);
			return;
		}
		PrintWriter out = ctx.out();
		out.printf("%s '%s'. Its key is shown only this once:%n%n  %s%n%n", verb, agent.name(), issued.key());
		if (agent.grants().isEmpty()) {
			out.println("It has no grants yet, so it can do nothing. Add some: amk agent set-grants " + agent.name() + " --grant CONNECTION");
		} else {
			out.println("It may reach: " + agent.reach() + (agent.expiresAt() == null ? "" : ", until " + agent.expiresAt()) + ".");
			setup.forEach((conn, lines) -> {
				out.printf("%nFor %s:%n", conn);
				lines.forEach(l -> out.println("  export " + l));
			});
		}
		out.flush();
	}

	static Map<String, Object> toJson(Agent a, Instant now) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("name", a.name());
		m.put("status", a.status(now).id());
		m.put("key_prefix", a.keyPrefix());
		List<Map<String, Object>> grants = new ArrayList<>();
		for (Grant g : a.grants()) {
			Map<String, Object> gm = new LinkedHashMap<>();
			gm.put("connection", g.connection());
			gm.put("preset", g.rule().preset().id());
			gm.put("rule", g.rule().toSpec());
			gm.put("methods", g.rule().methods().isEmpty() ? List.of("*") : g.rule().methods().stream().sorted().toList());
			gm.put("paths", g.rule().paths().stream().map(p -> p.pattern()).toList());
			grants.add(gm);
		}
		m.put("grants", grants);
		m.put("allowed_hosts", a.allowedHosts().stream().map(HostPattern::pattern).toList());
		m.put("created", a.createdAt().toString());
		m.put("key_issued", a.keyIssuedAt().toString());
		m.put("revoked", a.revokedAt() == null ? null : a.revokedAt().toString());
		m.put("expires", a.expiresAt() == null ? null : a.expiresAt().toString());
		m.put("last_used", a.lastUsedAt() == null ? null : a.lastUsedAt().toString());
		return m;
	}
}
