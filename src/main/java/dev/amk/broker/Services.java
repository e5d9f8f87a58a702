package dev.amk.broker;

import dev.amk.access.AccessRegistry;
import dev.amk.activity.ActivityTracker;
import dev.amk.agents.AgentService;
import dev.amk.approvals.PersonPresence;
import dev.amk.approvals.mac.TouchIdPresence;
import dev.amk.audit.AuditLog;
import dev.amk.audit.AuditStore;
import dev.amk.ca.LocalCa;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.CredentialSource;

import dev.amk.db.Database;
import dev.amk.doctor.BrokerCheck;
import dev.amk.doctor.DoctorFix;
import dev.amk.approvals.ApprovalService;
import dev.amk.guard.Tripwire;
import dev.amk.oauth.TokenSet;
import dev.amk.limits.AgentControls;
import dev.amk.limits.PriceTable;
import dev.amk.limits.UsageLedger;
import dev.amk.oauth.BrokerCredentials;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.OAuthProfile;
import dev.amk.oauth.OAuthRevoker;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.oauth.TokenManager;
import dev.amk.mcp.McpSetupService;
import dev.amk.proxy.ConnectionTester;
import dev.amk.proxy.McpToolLister;
import dev.amk.proxy.ProxyServer;
import dev.amk.secrets.CachingSecretStore;
import dev.amk.secrets.KeyringSecretStore;
import dev.amk.secrets.SecretStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The composition root: the one class that constructs Agent Master Key's services, with plain constructors,
 * each at most once and only when first asked for. A CLI command builds just what it touches ({@code amk agent
 * list} never opens the keychain, {@code amk --help} not even the database); the broker process builds
 * everything as it starts ({@link Broker#start}).
 *
 * <p>Committed means the proxy sees it: in the broker process every change the services commit reloads the
 * access registry on the committing thread, so the proxy applies it before the call that made it returns, and
 * the UI never has to remember to. A CLI command's services need no such link: the running broker notices
 * another process's commits through SQLite's data_version (see {@link AccessRegistry}).
 */
public final class Services implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(Services.class.getName());

	private final Path dataDir;
	private final Clock clock;
	private final Supplier<SecretStore> keychainFactory;
	/** Null for a CLI command: only the broker process runs a proxy and keeps the registry in memory. */
	private final Broker.Options brokerOptions;
	private Database registryDatabase;
	private AuditStore auditStore;
	private SecretStore keychain;
	private TokenEndpoint tokenEndpoint;
	private AgentService agents;
	private ConnectionService connections;
	private AccessRegistry accessRegistry;
	private AuditLog auditLog;
	private TokenManager tokens;
	private CredentialSource credentials;
	private ProxyServer proxy;
	private Tripwire tripwire;
	private ApprovalService approvals;
	private ActivityTracker activity;
	private ConnectionTester tester;
	private McpToolLister mcpTools;
	private McpSetupService mcpSetup;
	private LocalCa localCa;
	private AgentControls agentControls;

	private Services(Path dataDir, Clock clock, Supplier<SecretStore> keychainFactory, Broker.Options brokerOptions) {
		this.dataDir = dataDir;
		this.clock = clock;
		this.keychainFactory = keychainFactory;
		this.brokerOptions = brokerOptions;
	}

	/** For one CLI command: nothing is built until the command asks for it. */
	public static Services forCommand(Path dataDir, Clock clock, Supplier<SecretStore> keychain) {
		return new Services(dataDir, clock, keychain, null);
	}

	/**
	 * For the broker process, built at once (the desktop app's own parts, {@link #activity()} and
	 * {@link #connectionTester()}, when it asks); {@link Broker#start} starts the parts in order.
	 */
	static Services forBroker(Broker.Options options) {
		Services services = new Services(options.dataDir(), options.clock(), options::secretStore, options);
		services.proxy(); // and everything it needs
		services.agents();
		services.wireCacheEviction();
		return services;
	}

	/**
	 * The system keychain, opened on first use. {@code AMK_KEYCHAIN_SERVICE} files secrets under another service
	 * name: for tests and side-by-side installs.
	 */
	public static Supplier<SecretStore> systemKeychain(Map<String, String> env) {
		String service = env.getOrDefault("AMK_KEYCHAIN_SERVICE", KeyringSecretStore.DEFAULT_SERVICE);
		return () -> new KeyringSecretStore(service, Duration.ofSeconds(20));
	}

	public Path dataDir() {
		return dataDir;
	}

	public Clock clock() {
		return clock;
	}

	public synchronized Database registryDatabase() {
		if (registryDatabase == null) {
			registryDatabase = Database.openRegistry(dataDir);
		}
		return registryDatabase;
	}

	public synchronized AuditStore auditStore() {
		if (auditStore == null) {
			auditStore = new AuditStore(Database.openAudit(dataDir));
		}
		return auditStore;
	}

	/** The keychain; in the broker, through a cache that keeps connection secrets in memory while they are in use. */
	public synchronized SecretStore keychain() {
		if (keychain == null) {
			SecretStore store = keychainFactory.get();
			keychain = inBroker() ? new CachingSecretStore(store) : store;
		}
		return keychain;
	}

	/** The back channel to OAuth authorization servers, shared by sign-ins, refreshes and revocations. */
	public synchronized TokenEndpoint tokenEndpoint() {
		if (tokenEndpoint == null) {
			tokenEndpoint = new TokenEndpoint(clock);
		}
		return tokenEndpoint;
	}

	public synchronized AgentService agents() {
		if (agents == null) {
			agents = new AgentService(registryDatabase(), clock, auditStore(), afterCommit());
		}
		return agents;
	}

	public synchronized ConnectionService connections() {
		if (connections == null) {
			connections = new ConnectionService(registryDatabase(), keychain(), clock, new OAuthRevoker(tokenEndpoint()), afterCommit());
		}
		return connections;
	}

	/** A sign-in helper that opens pages with {@code browser} and waits {@code timeout} for the person's approval. */
	public OAuthConnector oauthConnector(Browser browser, Duration timeout) {
		return new OAuthConnector(connections(), keychain(), tokenEndpoint(), browser, clock, timeout);
	}

	/** MCP authorization for {@code amk mcp add}: discovery, dynamic registration, sign-in, stored as a connection. */
	public dev.amk.mcp.McpAuthorization mcpAuthorization(Browser browser, Duration timeout) {
		return new dev.amk.mcp.McpAuthorization(connections(), keychain(), tokenEndpoint(), browser, timeout);
	}

	/** As {@link #oauthConnector(Browser, Duration)}, with each provider's endpoints from {@code profiles} (tests: a local server). */
	public OAuthConnector oauthConnector(Browser browser, Duration timeout, Function<ProviderSpec, OAuthProfile> profiles) {
		return new OAuthConnector(connections(), keychain(), tokenEndpoint(), browser, clock, timeout, profiles);
	}

	public synchronized AccessRegistry accessRegistry() {
		if (accessRegistry == null) {
			accessRegistry = new AccessRegistry(registryDatabase(), requireBroker().registryBusyPoll());
		}
		return accessRegistry;
	}

	public synchronized AuditLog auditLog() {
		if (auditLog == null) {
			auditLog = new AuditLog(auditStore().database(), 65_536, clock, requireBroker().auditRetention());
			auditStore().flushBeforeReads(auditLog::awaitCommitted);
		}
		return auditLog;
	}

	/** Keeps each OAuth connection's access token fresh for the proxy. */
	public synchronized TokenManager tokens() {
		if (tokens == null) {
			tokens = new TokenManager(connections(), keychain(), tokenEndpoint(), clock);
		}
		return tokens;
	}

	/** What the proxy injects (OAuth tokens kept fresh): the connection test must send the very credential the proxy sends. */
	public synchronized CredentialSource credentials() {
		if (credentials == null) {
			credentials = new BrokerCredentials(keychain(), tokens());
		}
		return credentials;
	}

	public synchronized ProxyServer proxy() {
		if (proxy == null) {
			proxy = new ProxyServer(requireBroker().proxy(), accessRegistry(), clock, credentials(), auditLog(), localCa(),
					new ProxyServer.Controls(tripwire(), approvals(), agentControls()));
		}
		return proxy;
	}

	/**
	 * The exfiltration tripwire: it looks for every secret the broker holds in memory (the broker reads them all as it
	 * starts), an OAuth connection's access and refresh tokens rather than their stored JSON.
	 */
	public synchronized Tripwire tripwire() {
		if (tripwire == null) {
			CachingSecretStore cache = (CachingSecretStore) keychain();
			tripwire = new Tripwire(cache::version, () -> cache.cachedSecrets().stream().flatMap(Services::secretParts).toList());
		}
		return tripwire;
	}

	/** Where requests under approval rules wait for the person (60 s by this services' clock); the app attaches as the one answerer. */
	public synchronized ApprovalService approvals() {
		if (approvals == null) {
			approvals = new ApprovalService(clock, ApprovalService.DEFAULT_TIMEOUT);
		}
		return approvals;
	}

	/**
	 * What proves a person approved a held request: Touch ID or the login password on macOS, the app's own dialog
	 * elsewhere. Nothing native is loaded until the first approval.
	 */
	public PersonPresence personPresence() {
		return PersonPresence.forOs(System.getProperty("os.name", ""), TouchIdPresence::new);
	}

	/** The strings a stored secret is made of: a token set's tokens, the lines of a multi-line secret (AWS keys), or itself. */
	private static java.util.stream.Stream<String> secretParts(String stored) {
		if (stored.startsWith("{")) {
			try {
				TokenSet tokens = TokenSet.fromJson(stored);
				return java.util.stream.Stream.of(tokens.accessToken(), tokens.refreshToken()).filter(java.util.Objects::nonNull);
			} catch (RuntimeException notTokens) {
				// some other JSON secret: looked for whole, below
			}
		}
		java.util.stream.Stream<String> lines = stored.contains("\n") ? stored.lines().map(String::strip) : java.util.stream.Stream.empty();
		return java.util.stream.Stream.concat(java.util.stream.Stream.of(stored), lines);
	}

	/**
	 * Each agent's rate, concurrency, model and budget controls: usage totals loaded from the audit database and written
	 * in the audit writer's batches, prices from the bundled table under the data folder's {@code prices.json}, and
	 * pause-on-budget revoking the agent.
	 */
	public synchronized AgentControls agentControls() {
		if (agentControls == null) {
			UsageLedger ledger = new UsageLedger(auditStore().database(), clock).load();
			auditLog().addBatchPart(ledger);
			agentControls = new AgentControls(clock, ledger, PriceTable.load(dataDir.resolve("prices.json")), name -> agents().revoke(name));
		}
		return agentControls;
	}

	/** Today's requests per agent and the recent feed, for the app; follows the audit log from its first call. */
	public synchronized ActivityTracker activity() {
		if (activity == null) {
			activity = new ActivityTracker(clock, ZoneId.systemDefault(), 500).start(auditStore(), auditLog());
		}
		return activity;
	}

	/** The local certificate authority of proxy mode; its key lives in the keychain, so nothing is read until it is used. */
	public synchronized LocalCa localCa() {
		if (localCa == null) {
			localCa = new LocalCa(dataDir, keychain(), clock);
		}
		return localCa;
	}

	/**
	 * amk doctor's fix: moves found keys into connections and agents of this data folder; {@code check} makes a test
	 * call through the broker on {@code port} (null: no broker is running, the fix is not verified).
	 */
	public DoctorFix doctorFix(int port, BrokerCheck check) {
		return new DoctorFix(connections(), keychain(), agents(), dataDir, clock, port, check);
	}

	/**
	 * Tests connections with exactly the credential the proxy would send, through a client tuned as the proxy's (in the
	 * broker, its settings' upstream tuning), so that a test reaches what an agent's request would.
	 */
	public synchronized ConnectionTester connectionTester() {
		if (tester == null) {
			tester = new ConnectionTester(credentials(), inBroker() ? brokerOptions.proxy() : dev.amk.proxy.ProxySettings.defaults(0),
					ConnectionTester.DEFAULT_TIMEOUT, clock);
		}
		return tester;
	}

	/** Lists an MCP server's tools live, for the agent editor's tool picker, with exactly the credential the proxy would send. */
	public synchronized McpToolLister mcpToolLister() {
		if (mcpTools == null) {
			mcpTools = new McpToolLister(credentials());
		}
		return mcpTools;
	}

	/**
	 * Writes MCP clients' configuration for an agent ({@code amk mcp setup}, the app's "Set up an MCP client…"); the clients'
	 * user-level files are looked for under {@code $HOME}, as amk doctor does.
	 */
	public synchronized McpSetupService mcpSetup() {
		if (mcpSetup == null) {
			String home = System.getenv("HOME");
			mcpSetup = new McpSetupService(agents(), connections(), clock, Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")),
					System.getProperty("os.name", ""));
		}
		return mcpSetup;
	}

	private boolean inBroker() {
		return brokerOptions != null;
	}

	private Broker.Options requireBroker() {
		if (brokerOptions == null) {
			throw new IllegalStateException("only the broker process runs the proxy and its registry");
		}
		return brokerOptions;
	}

	/** In the broker: reload the registry after each commit. In a CLI command: nothing to tell (see the class comment). */
	private Runnable afterCommit() {
		if (!inBroker()) {
			return () -> { };
		}
		AccessRegistry registry = accessRegistry();
		return () -> {
			try {
				registry.reload();
			} catch (RuntimeException e) {
				// The change is committed either way, and the registry watcher picks it up within half a second.
				LOG.log(System.Logger.Level.WARNING, "Reloading the registry after a change failed: " + e.getMessage());
			}
		};
	}

	/** Secrets and tokens of removed or re-keyed connections leave memory as soon as the registry says so. */
	private void wireCacheEviction() {
		CachingSecretStore cache = (CachingSecretStore) keychain();
		TokenManager tokenManager = tokens();
		accessRegistry().addListener(snapshot -> {
			cache.retainOnly(snapshot.connections().stream().map(Connection::secretRef).collect(Collectors.toSet()));
			tokenManager.retainOnly(snapshot.connections().stream().map(Connection::id).collect(Collectors.toSet()));
			readNewSecrets(cache, snapshot.connections());
		});
	}

	/**
	 * A connection added by another process (amk connection add) has its secret read into memory at once, off the
	 * committing thread (a keychain may prompt): the exfiltration tripwire looks only for secrets in memory, and must
	 * know this one before an agent could have been handed it. A secret that cannot be read is left for the request
	 * that needs it to report.
	 */
	private static void readNewSecrets(CachingSecretStore cache, java.util.Collection<Connection> connections) {
		java.util.List<String> unread = connections.stream().map(Connection::secretRef).filter(ref -> !cache.holds(ref)).toList();
		if (unread.isEmpty()) {
			return;
		}
		Thread.ofVirtual().name("amk-read-new-secrets").start(() -> {
			for (String ref : unread) {
				try {
					cache.get(ref);
				} catch (RuntimeException e) {
					// reported by the first request that needs it, as connection_unavailable
				}
			}
		});
	}

	/** Lets go of the keychain session and the connection tester's client; the broker stops its own parts first. */
	@Override
	public synchronized void close() {
		if (tester != null) {
			tester.close();
		}
		if (mcpTools != null) {
			mcpTools.close();
		}
		if (keychain instanceof AutoCloseable closeable && !inBroker()) {
			try {
				closeable.close();
			} catch (Exception ignored) {
				// releasing the keychain session at exit
			}
		}
	}
}
