package dev.amk.cli;

import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.broker.BrokerFile;
import dev.amk.ca.LocalCa;
import dev.amk.common.AmkException;
import dev.amk.common.Durations;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.run.KeyLease;
import dev.amk.run.NodePreload;
import dev.amk.run.ToolEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code amk run AGENT [--grant CONN[:PRESET]]… [--ttl D] -- CMD [ARGS…]}: CMD with a fresh child key of AGENT that lives
 * only as long as CMD (a lease this process renews, deleted when CMD ends), in the environment {@link ToolEnvironment}
 * describes. The key is created in the registry, which the running broker reads before each request; the broker must be
 * running, since it is what serves the key. CMD's exit status is this command's; SIGTERM and SIGHUP are passed on at
 * once, SIGINT after a moment (a terminal's Ctrl-C already reached CMD, which shares the foreground process group).
 * {@code amk mcp run} is the same command under another name, for stdio MCP servers.
 */
@Command(name = "run", description = {"Run a command with a short-lived child key of AGENT: proxy, CA and SDK variables set, no real secret"
		+ " in its environment; the key dies when the command ends.",
		"Example: amk run coder --grant github:read -- git clone https://github.com/OWNER/REPO"})
class RunCommand extends AmkCommand.Leaf {
	@Parameters(index = "0", paramLabel = "AGENT", description = "The agent whose grants the run starts from.")
	String agent;

	@Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "The command and its arguments, after --.")
	List<String> command = new ArrayList<>();

	@Option(names = "--grant", paramLabel = "GRANT", description = "Narrow the run to these grants (each within AGENT's own); default: AGENT's grants.")
	List<String> grants;

	@Option(names = "--ttl", paramLabel = "DURATION", description = "The longest the key may live (90s, 30m, 8h), even if the command runs on.")
	String ttl;

	/** How long the key outlives a silent {@code amk run}; short in tests of kill -9. */
	@Option(names = "--lease", paramLabel = "DURATION", hidden = true)
	String lease;

	@Override
	public Integer call() {
		CliContext ctx = ctx();
		int port = BrokerFile.runningPort(ctx.dataDir()).orElseThrow(() -> new AmkException(ErrorType.BROKER_NOT_RUNNING, "No broker is running"
				+ " for " + ctx.dataDir() + ", and amk run needs one to serve its key. Start one with 'amk serve' (in another terminal, or as a"
				+ " login service) or open the app ('amk app'), then run this again."));
		Instant now = ctx.clock().instant();
		Instant notAfter = ttl == null ? null : now.plus(Durations.parse(ttl));
		Duration leaseLength = lease == null ? KeyLease.DEFAULT_LEASE : Durations.parse(lease);
		List<Grant> narrowed = grants == null ? null : grants.stream().map(Grant::parse).toList();
		LocalCa ca = ctx.localCa();
		if (!Files.isRegularFile(ca.certificatePath()) || !Files.isRegularFile(ca.bundlePath())) {
			CaCommand.ready(ctx, ca); // first use: make the CA (its key goes to the keychain) and write both files
		}
		AgentService agents = ctx.agents();
		AgentService.Issued child = agents.createChild(agent, narrowed, leaseLength, notAfter);
		String childName = child.agent().name();
		Process process = null;
		try (KeyLease keyLease = new KeyLease(agents, childName, leaseLength, notAfter, () -> {
			ctx.err().println("amk: the run's key has ended (ttl reached, or the agent was revoked or deleted); requests through the broker now fail.");
			ctx.err().flush();
		})) {
			Set<String> granted = child.agent().grants().stream().map(Grant::connection).collect(java.util.stream.Collectors.toSet());
			List<Connection> connections = ctx.connections().list().stream().map(l -> l.connection()).filter(c -> granted.contains(c.name())).toList();
			ToolEnvironment.Inputs inputs = new ToolEnvironment.Inputs(port, childName, child.key(), ca.certificatePath(), ca.bundlePath(), connections,
					nodePreload(ctx));
			ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
			builder.environment().clear();
			builder.environment().putAll(ToolEnvironment.forTool(ctx.env(), inputs));
			awsRegion(ctx, connections).ifPresent(region -> {
				// The AWS CLI and SDKs need a region; the connection's is kept with its keys, in the keychain, not in SQLite.
				builder.environment().put("AWS_REGION", region);
				builder.environment().put("AWS_DEFAULT_REGION", region);
			});
			try {
				process = builder.start();
			} catch (IOException e) {
				throw new AmkException(ErrorType.COMMAND_FAILED, "Could not start '" + command.getFirst() + "': " + e.getMessage()
						+ ". Check that it is installed and on PATH.", e);
			}
			try (Signals forwarding = Signals.forwardTo(process)) {
				return waitFor(process);
			}
		} finally {
			if (process != null && process.isAlive()) {
				process.destroyForcibly(); // only when this thread was interrupted: never leave CMD running with a dead key
			}
		}
	}

	/**
	 * The region of the first granted AWS connection (by name), read from its keychain item (the keys stay here); none
	 * when the keychain cannot be read from this process: the tool then needs its own AWS_REGION, as without amk run.
	 */
	private static java.util.Optional<String> awsRegion(CliContext ctx, List<Connection> connections) {
		return connections.stream().filter(c -> c.provider() == dev.amk.providers.Providers.AWS)
				.sorted(java.util.Comparator.comparing(Connection::name)).findFirst().flatMap(c -> {
					try {
						return java.util.Optional.of(dev.amk.cloud.AwsAccount.fromSecret(ctx.secrets().get(c.secretRef())).region());
					} catch (AmkException unreadable) {
						return java.util.Optional.empty();
					}
				});
	}

	/**
	 * The Node preload in the data folder, written if this version's is not there yet; none (and a warning) if it cannot
	 * be written: the command still runs, only Node SDKs with agents of their own then miss the proxy.
	 */
	private static java.nio.file.Path nodePreload(CliContext ctx) {
		try {
			return NodePreload.install(ctx.dataDir());
		} catch (IOException | RuntimeException e) {
			ctx.err().println("amk: warning: could not write " + ctx.dataDir().resolve("run") + " (" + e.getMessage() + "); Node SDKs that make"
					+ " their own HTTP agents will not use the proxy. Check that the data folder is writable.");
			return null;
		}
	}

	private static int waitFor(Process process) {
		while (true) {
			try {
				return process.waitFor();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AmkException(ErrorType.INTERRUPTED, "amk run was interrupted; the command was stopped and its key deleted.");
			}
		}
	}

	/**
	 * Passes this process's SIGTERM, SIGHUP and SIGINT on to CMD (through {@code kill}, since Java sends only TERM and
	 * KILL itself), and restores the previous handlers when closed. Where the JVM offers no signal handling, CMD still
	 * ends with the terminal's signals, and the lease ends the key.
	 */
	static final class Signals implements AutoCloseable {
		private final List<Runnable> restore = new ArrayList<>();

		static Signals forwardTo(Process process) {
			Signals s = new Signals();
			s.handle("TERM", process, 0);
			s.handle("HUP", process, 0);
			s.handle("INT", process, 1000);
			return s;
		}

		@SuppressWarnings("removal")
		private void handle(String name, Process process, long graceMillis) {
			try {
				sun.misc.Signal signal = new sun.misc.Signal(name);
				sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> forward(name, process, graceMillis));
				restore.add(() -> sun.misc.Signal.handle(signal, previous));
			} catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
				// not on this platform (Windows has no HUP): nothing to pass on
			}
		}

		private static void forward(String name, Process process, long graceMillis) {
			Thread.ofVirtual().start(() -> {
				try {
					if (graceMillis > 0 && process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
						return;
					}
					if (process.isAlive()) {
						new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
					}
				} catch (IOException e) {
					process.destroy();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			});
		}

		@Override
		public void close() {
			restore.forEach(Runnable::run);
		}
	}
}
