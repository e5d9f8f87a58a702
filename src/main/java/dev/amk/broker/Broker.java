package dev.amk.broker;

import dev.amk.access.AccessRegistry;
import dev.amk.agents.AgentService;
import dev.amk.audit.AuditLog;
import dev.amk.audit.AuditStore;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.CredentialSource;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.proxy.ProxyServer;
import dev.amk.proxy.ProxySettings;
import dev.amk.secrets.SecretStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running broker: its services (built whole by {@link Services}) started in dependency order and stopped in
 * reverse. {@code amk serve}, the menu-bar app and the tests all start the broker through here.
 */
public final class Broker implements AutoCloseable {
	private final Services services;

	/** Everything a broker can be configured with; tests shorten the timeouts and pass a clock. */
	public record Options(Path dataDir, SecretStore secretStore, ProxySettings proxy, Clock clock, Duration registryBusyPoll, Duration auditRetention) {
		public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

		public static Options defaults(Path dataDir, SecretStore secretStore, int port) {
			return new Options(dataDir, secretStore, ProxySettings.defaults(port), Clock.systemUTC(), Duration.ofMillis(20), DEFAULT_AUDIT_RETENTION);
		}

		public Options withAuditRetention(Duration retention) {
			return new Options(dataDir, secretStore, proxy, clock, registryBusyPoll, retention);
		}

		/** Agents in containers served too ({@code --allow-containers}, the app's setting). */
		public Options withContainers(dev.amk.proxy.ContainerAccess containers) {
			return new Options(dataDir, secretStore, proxy.withContainers(containers), clock, registryBusyPoll, auditRetention);
		}
	}

	private Broker(Services services) {
		this.services = services;
	}

	public static Broker start(Options options) {
		Broker broker = new Broker(Services.forBroker(options));
		try {
			broker.auditLog().start();
			broker.registry().start();
			broker.proxy().start();
		} catch (RuntimeException e) {
			broker.close();
			throw e;
		}
		return broker;
	}

	/** Everything the broker process was built with, for the parts that run beside it (the menu-bar app). */
	public Services services() {
		return services;
	}

	public int port() {
		return proxy().port();
	}

	public Path dataDir() {
		return services.dataDir();
	}

	public AgentService agents() {
		return services.agents();
	}

	public ConnectionService connections() {
		return services.connections();
	}

	public AuditStore auditStore() {
		return services.auditStore();
	}

	public AuditLog auditLog() {
		return services.auditLog();
	}

	public AccessRegistry registry() {
		return services.accessRegistry();
	}

	public ProxyServer proxy() {
		return services.proxy();
	}

	/** The keychain behind the proxy, through its cache. */
	public SecretStore secrets() {
		return services.keychain();
	}

	/** What the proxy injects (OAuth tokens kept fresh): the connection test must send the very credential the proxy sends. */
	public CredentialSource credentials() {
		return services.credentials();
	}

	/** The back channel to OAuth authorization servers, shared by sign-ins, refreshes and revocations. */
	public TokenEndpoint tokenEndpoint() {
		return services.tokenEndpoint();
	}

	/**
	 * {@link #readSecrets}, preceded by one warning per OAuth connection whose sign-in needs renewing: what
	 * {@code amk serve} reports before it says it is ready.
	 */
	public List<String> preloadSecrets() {
		List<String> warnings = new ArrayList<>();
		for (Connection c : registry().current().connections()) {
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
	public List<String> readSecrets() {
		List<String> warnings = new ArrayList<>();
		for (Connection c : registry().current().connections()) {
			try {
				secrets().get(c.secretRef());
			} catch (AmkException e) {
				if (e.is(ErrorType.KEYCHAIN_UNAVAILABLE) || e.is(ErrorType.KEYCHAIN_LOCKED)) {
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
		proxy().close();
		registry().close();
		auditLog().close();
		services.close();
	}
}
