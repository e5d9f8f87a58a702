package dev.amk.launcher;

import dev.amk.access.AccessPolicy;
import dev.amk.access.AccessRegistry;
import dev.amk.agents.AgentService;
import dev.amk.audit.AuditLog;
import dev.amk.audit.AuditStore;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.CredentialSource;
import dev.amk.db.Database;
import dev.amk.oauth.BrokerCredentials;
import dev.amk.oauth.OAuthRevoker;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.oauth.TokenManager;
import dev.amk.proxy.ProxyServer;
import dev.amk.proxy.ProxySettings;
import dev.amk.secrets.CachingSecretStore;
import dev.amk.secrets.SecretStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The composition root: every long-lived part of a running broker, wired by plain constructors, started in
 * dependency order and stopped in reverse. {@code amk serve}, the menu-bar app and the tests all start the
 * broker through here.
 */
public final class Broker implements AutoCloseable {
	private final Database registryDb;
	private final AuditStore auditStore;
	private final AuditLog auditLog;
	private final AccessRegistry registry;
	private final CachingSecretStore secrets;
	private final AgentService agents;
	private final ConnectionService connections;
	private final TokenEndpoint tokenEndpoint;
	private final TokenManager tokens;
	private final CredentialSource credentials;
	private final ProxyServer proxy;
	private final Path dataDir;

	/** Everything a broker can be configured with; tests shorten the timeouts and pass a clock. */
	public record Options(Path dataDir, SecretStore secretStore, ProxySettings proxy, Clock clock, Duration registryBusyPoll, Duration auditRetention) {
		public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

		public static Options defaults(Path dataDir, SecretStore secretStore, int port) {
			return new Options(dataDir, secretStore, ProxySettings.defaults(port), Clock.systemUTC(), Duration.ofMillis(20), DEFAULT_AUDIT_RETENTION);
		}

		public Options withAuditRetention(Duration retention) {
			return new Options(dataDir, secretStore, proxy, clock, registryBusyPoll, retention);
		}
	}

	private Broker(Options options) {
		this.dataDir = options.dataDir();
		this.registryDb = Database.openRegistry(options.dataDir());
		this.auditStore = new AuditStore(Database.openAudit(options.dataDir()));
		this.auditLog = new AuditLog(auditStore.database(), 65_536, options.clock(), options.auditRetention());
		this.registry = new AccessRegistry(registryDb, options.registryBusyPoll());
		this.secrets = new CachingSecretStore(options.secretStore());
		this.agents = new AgentService(registryDb, options.clock(), auditStore);
		this.tokenEndpoint = new TokenEndpoint(options.clock());
		this.connections = new ConnectionService(registryDb, secrets, options.clock(), new OAuthRevoker(tokenEndpoint));
		this.tokens = new TokenManager(connections, secrets, tokenEndpoint, options.clock());
		this.credentials = new BrokerCredentials(secrets, tokens);
		// Secrets of removed or re-keyed connections leave memory as soon as the registry says so.
		registry.addListener(snapshot -> {
			secrets.retainOnly(snapshot.connections().stream().map(Connection::secretRef).collect(Collectors.toSet()));
			tokens.retainOnly(snapshot.connections().stream().map(Connection::id).collect(Collectors.toSet()));
		});
		AccessPolicy policy = new AccessPolicy(registry, options.clock());
		this.proxy = new ProxyServer(options.proxy(), registry, policy, credentials, auditLog);
	}

	public static Broker start(Options options) {
		Broker broker = new Broker(options);
		try {
			broker.auditLog.start();
			broker.registry.start();
			broker.proxy.start();
		} catch (RuntimeException e) {
			broker.close();
			throw e;
		}
		return broker;
	}

	public int port() {
		return proxy.port();
	}

	public Path dataDir() {
		return dataDir;
	}

	public AgentService agents() {
		return agents;
	}

	public ConnectionService connections() {
		return connections;
	}

	public AuditStore auditStore() {
		return auditStore;
	}

	public AuditLog auditLog() {
		return auditLog;
	}

	public AccessRegistry registry() {
		return registry;
	}

	public ProxyServer proxy() {
		return proxy;
	}

	/** The keychain behind the proxy, through its cache. */
	public SecretStore secrets() {
		return secrets;
	}

	/** What the proxy injects (OAuth tokens kept fresh): the connection test must send the very credential the proxy sends. */
	public CredentialSource credentials() {
		return credentials;
	}

	/** The back channel to OAuth authorization servers, shared by sign-ins, refreshes and revocations. */
	public TokenEndpoint tokenEndpoint() {
		return tokenEndpoint;
	}

	/**
	 * {@link #readSecrets}, preceded by one warning per OAuth connection whose sign-in needs renewing: what
	 * {@code amk serve} reports before it says it is ready.
	 */
	public java.util.List<String> preloadSecrets() {
		java.util.List<String> warnings = new java.util.ArrayList<>();
		for (Connection c : registry.current().connections()) {
			if (c.isOAuth() && c.oauth().needsReconnect()) {
				warnings.add("connection '" + c.name() + "' needs reconnecting (its sign-in was refused at " + c.provider().displayName()
						+ "): amk connection connect " + c.name() + " --reconnect");
			}
		}
		warnings.addAll(readSecrets());
		return warnings;
	}

	/**
	 * Reads every connection's secret into memory. Throws if the keychain itself is unreachable or locked (then no
	 * secret can be read); returns one warning per connection whose secret cannot be read (missing, or access
	 * denied at a macOS Keychain prompt): that connection answers 503 until it is fixed, and every other
	 * connection keeps working. One refused item never stops the broker.
	 */
	public java.util.List<String> readSecrets() {
		java.util.List<String> warnings = new java.util.ArrayList<>();
		for (Connection c : registry.current().connections()) {
			try {
				secrets.get(c.secretRef());
			} catch (dev.amk.common.AmkException e) {
				if (e.type().equals("keychain_unavailable") || e.type().equals("keychain_locked")) {
					throw e;
				}
				warnings.add("connection '" + c.name() + "': " + e.getMessage());
			}
		}
		return warnings;
	}

	/** Stops taking requests, lets running ones finish (5 s at most), then flushes the audit log. */
	@Override
	public void close() {
		proxy.close();
		registry.close();
		auditLog.close();
	}
}
