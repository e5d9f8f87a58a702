package dev.amk.cli;

import dev.amk.agents.AgentService;
import dev.amk.audit.AuditStore;
import dev.amk.connections.ConnectionService;
import dev.amk.oauth.OAuthRevoker;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.db.Database;
import dev.amk.launcher.AmkHome;
import dev.amk.secrets.SecretStore;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every command may need, opened lazily so that {@code amk agent list} never touches the keychain
 * and {@code amk --help} never touches the database.
 */
public final class CliContext implements AutoCloseable {
	private final Map<String, String> env;
	private final InputStream in;
	private final boolean interactive;
	private final PrintWriter out;
	private final PrintWriter err;
	private final Clock clock;
	private final Supplier<SecretStore> secretStoreFactory;
	private Database registry;
	private AuditStore audit;
	private SecretStore secrets;
	private TokenEndpoint tokenEndpoint;

	public CliContext(Map<String, String> env, InputStream in, boolean interactive, PrintWriter out, PrintWriter err, Clock clock,
			Supplier<SecretStore> secretStoreFactory) {
		this.env = env;
		this.in = in;
		this.interactive = interactive;
		this.out = out;
		this.err = err;
		this.clock = clock;
		this.secretStoreFactory = secretStoreFactory;
	}

	public Map<String, String> env() {
		return env;
	}

	public Path dataDir() {
		return AmkHome.resolve(env);
	}

	/** The port agents should use: the running broker's, else the one it will start on. */
	public int expectedPort() {
		return BrokerFile.runningPort(dataDir()).orElseGet(() -> dev.amk.settings.Settings.load(dataDir()).port());
	}

	public InputStream in() {
		return in;
	}

	public boolean interactive() {
		return interactive;
	}

	public PrintWriter out() {
		return out;
	}

	public PrintWriter err() {
		return err;
	}

	public Clock clock() {
		return clock;
	}

	public synchronized Database registry() {
		if (registry == null) {
			registry = Database.openRegistry(dataDir());
		}
		return registry;
	}

	public synchronized AuditStore audit() {
		if (audit == null) {
			audit = new AuditStore(Database.openAudit(dataDir()));
		}
		return audit;
	}

	public synchronized SecretStore secrets() {
		if (secrets == null) {
			secrets = secretStoreFactory.get();
		}
		return secrets;
	}

	public Supplier<SecretStore> secretStoreFactory() {
		return secretStoreFactory;
	}

	public AgentService agents() {
		return new AgentService(registry(), clock, audit());
	}

	public ConnectionService connections() {
		return new ConnectionService(registry(), secrets(), clock, new OAuthRevoker(tokenEndpoint()));
	}

	/** One per command, like the other resources here: each TokenEndpoint brings its own HTTP client and pool. */
	public synchronized TokenEndpoint tokenEndpoint() {
		if (tokenEndpoint == null) {
			tokenEndpoint = new TokenEndpoint(clock);
		}
		return tokenEndpoint;
	}

	@Override
	public synchronized void close() {
		if (secrets instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			} catch (Exception ignored) {
				// releasing the keychain session at exit
			}
		}
	}
}
