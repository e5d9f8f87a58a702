package dev.amk.proxy;

import dev.amk.cloud.AwsRequestSigning;
import dev.amk.cloud.AwsSessions;
import dev.amk.cloud.CloudSigning;
import dev.amk.cloud.GcpTokens;
import dev.amk.access.AccessRegistry;
import dev.amk.audit.AuditLog;
import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.CredentialSource;
import dev.amk.limits.AgentControls;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local proxy: Jetty 12 core on 127.0.0.1 only, one virtual thread per request, strict HTTP parsing.
 */
public final class ProxyServer implements AutoCloseable {
	private static final Duration GRACEFUL_STOP = Duration.ofSeconds(5);

	private final ProxySettings settings;
	private final Server server;
	private final ServerConnector connector;
	private final StrictHttp strictHttp;
	/** The container bridge's listener ({@link ContainerAccess}), once started; null without one. */
	private volatile ServerConnector bridgeConnector;
	private final InFlightRequests inFlight;
	private final OkHttpClient client;
	private final Tunnels tunnels;
	private final ScheduledExecutorService headDeadline = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "amk-header-deadline");
		t.setDaemon(true);
		return t;
	});

	public ProxyServer(ProxySettings settings, AccessRegistry registry, Clock clock, CredentialSource credentials, AuditLog audit) {
		this(settings, registry, clock, credentials, audit, null);
	}

	/** @param ca the local CA that intercepted tunnels' certificates come from; null: CONNECT is never intercepted */
	public ProxyServer(ProxySettings settings, AccessRegistry registry, Clock clock, CredentialSource credentials, AuditLog audit, LocalCa ca) {
		this(settings, registry, clock, credentials, audit, ca, Controls.NONE);
	}

	/**
	 * The agent controls every request passes, whatever its grant.
	 *
	 * @param tripwire  the exfiltration tripwire; null: none
	 * @param approvals where requests under approval rules wait for the app; null: such requests are refused
	 * @param limits    each agent's rate, concurrency, model and budget controls; null: in memory, nothing kept
	 */
	public record Controls(dev.amk.guard.Tripwire tripwire, dev.amk.approvals.ApprovalService approvals, AgentControls limits) {
		public static final Controls NONE = new Controls(null, null, null);
	}

	/** @param limits each agent's rate, concurrency, model and budget controls; no tripwire, no approvals */
	public ProxyServer(ProxySettings settings, AccessRegistry registry, Clock clock, CredentialSource credentials, AuditLog audit, LocalCa ca,
			AgentControls limits) {
		this(settings, registry, clock, credentials, audit, ca, new Controls(null, null, limits));
	}

	/** @param controls the agent controls (tripwire, approvals, limits); {@link Controls#NONE} in tests of other stages */
	public ProxyServer(ProxySettings settings, AccessRegistry registry, Clock clock, CredentialSource credentials, AuditLog audit, LocalCa ca,
			Controls controls) {
		this.settings = settings;
		QueuedThreadPool threads = new QueuedThreadPool(16, 2);
		threads.setName("amk-proxy");
		threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("amk-request-", 0).factory()));
		this.server = new Server(threads);

		HttpConfiguration http = new HttpConfiguration();
		http.setSendServerVersion(false);
		http.setSendXPoweredBy(false);
		http.setSendDateHeader(false); // the upstream's Date passes through; a second one would be a duplicate
		http.setRequestHeaderSize(32 * 1024);
		http.setResponseHeaderSize(32 * 1024);
		http.setHttpCompliance(HttpCompliance.RFC9110);
		// Jetty reuses header fields seen earlier on a connection, matching values case-insensitively by default:
		// an agent key differing only in case from the one before it would be read as that earlier key.
		http.setHeaderCacheCaseSensitive(true);
		// Parse leniently enough that our own checks (RequestTarget) decide and explain; they are stricter
		// than Jetty's about anything that could change which upstream path is reached.
		http.setUriCompliance(UriCompliance.LEGACY);
		StrictHttp strictHttp = new StrictHttp(http, settings.limits().headerReadTimeout());
		this.strictHttp = strictHttp;
		server.setAttribute(ContainerAccess.ATTRIBUTE, settings.containers());
		this.connector = new ServerConnector(server, strictHttp);
		connector.setHost("127.0.0.1");
		connector.setPort(settings.port());
		// A burst of new connections (hundreds of agents' streams opened at once) must queue, not be dropped: with Java's
		// default backlog of 50 the kernel drops the excess SYNs and each client retries after a second.
		connector.setAcceptQueueSize(4096);
		connector.setIdleTimeout(Duration.ofSeconds(30).toMillis());
		server.addConnector(connector);

		this.client = UpstreamClient.create(settings);
		Duration headerTimeout = settings.limits().headerReadTimeout();
		long headSweepMillis = Math.max(10, Math.min(1000, headerTimeout.toMillis() / 4));
		headDeadline.scheduleWithFixedDelay(() -> {
			strictHttp.cutSlowHeads(connector.getConnectedEndPoints());
			ServerConnector bridge = bridgeConnector;
			if (bridge != null) {
				strictHttp.cutSlowHeads(bridge.getConnectedEndPoints());
			}
		}, headSweepMillis, headSweepMillis,
				TimeUnit.MILLISECONDS);
		Duration sweep = Duration.ofMillis(Math.min(250, Math.max(10, settings.limits().uploadGrace().toMillis() / 4)));
		this.inFlight = new InFlightRequests(clock, registry::current, settings.firstByteTimeout(), settings.idleTimeout(), sweep,
				settings.limits());
		registry.addListener(inFlight::onSnapshot);
		registry.setBusySignal(() -> inFlight.size() > 0); // running streams are cut within one busy poll
		inFlight.onBusy(registry::wake); // and the first of them does not wait out an idle poll
		CredentialLookup credentialLookup = new CredentialLookup(credentials);
		// One forwarder and tail for both doors: the caps on concurrent requests count a tunnel's requests with the routes'.
		// STS and Google's token endpoint are reached through the same client as the agents' requests: one host map.
		CloudSigning cloud = new CloudSigning(new AwsRequestSigning(new AwsSessions(client, clock), clock), new GcpTokens(client, clock));
		registry.addListener(snapshot -> cloud.awsSessions().retain(key -> AwsSessionsLive.live(snapshot, key, clock.instant())));
		Forwarder forwarder = new Forwarder(client, inFlight, credentialLookup, cloud);
		PipelineTail tail = new PipelineTail(registry, clock, credentialLookup, forwarder,
				controls.tripwire() == null ? ExfiltrationCheck.OFF : new ExfiltrationCheck(controls.tripwire()), new ApprovalGate(controls.approvals()),
				controls.limits() == null ? AgentControls.inMemory(clock) : controls.limits());
		ProxyHandler handler = new ProxyHandler(registry, clock, tail, audit);
		// HTTPS_PROXY mode on the same port: CONNECT, tunnels and absolute-form first, everything else to the routes.
		this.tunnels = new Tunnels(clock);
		registry.addListener(tunnels::onSnapshot);
		// An expiry is no registry change: a run key whose lease lapsed (amk run killed) must lose its open tunnels, blind ones too.
		headDeadline.scheduleWithFixedDelay(() -> {
			try {
				tunnels.onSnapshot(registry.current());
			} catch (RuntimeException e) {
				// a tunnel that failed to close: the next sweep, a second later, tries again
			}
		}, 1, 1, TimeUnit.SECONDS);
		LeafCertificates leaves = ca == null ? null : new LeafCertificates(ca, clock, LeafCertificates.backgroundRenewals());
		javax.net.ssl.SSLContext tls = leaves == null ? null
				: new SniKeyManager(leaves, host -> InterceptedHosts.ownedByAny(registry.current(), host)).serverContext();
		BlindTunnels blind = new BlindTunnels(tunnels, settings.connectTimeout().toMillis());
		blind.setServer(server);
		server.addBean(blind, true);
		ForwardProxy forwardProxy = new ForwardProxy(handler, registry, clock, tail, audit, tls, leaves, strictHttp, tunnels)
				.withBlindTunnels(blind, settings.tunnelDestinations());
		server.setHandler(new GracefulHandler(forwardProxy));
		server.setErrorHandler(new JsonErrorHandler(audit, clock));
		server.setStopTimeout(GRACEFUL_STOP.toMillis());
	}

	public ProxyServer start() {
		try {
			server.start();
			listenOnBridge();
		} catch (AmkException e) {
			closeQuietly();
			throw e;
		} catch (Exception e) {
			closeQuietly();
			if (e instanceof BindException || e.getCause() instanceof BindException || e instanceof IOException && String.valueOf(e.getMessage()).contains("bind")) {
				throw new AmkException(ErrorType.PORT_IN_USE, "Port " + settings.port() + " on 127.0.0.1 is already in use. Is another Agent Master Key"
						+ " running? Stop it, or choose another port with --port.", e);
			}
			throw new AmkException(ErrorType.PROXY_START_FAILED, "The proxy could not start: " + e.getMessage(), e);
		}
		return this;
	}

	/**
	 * With containers allowed and a bridge found, a second listener on the bridge's address with the main one's port (known
	 * only now when it was 0): the same handler, the same strict HTTP and Host check. Never the wildcard address
	 * ({@link ContainerAccess} refuses it).
	 */
	private void listenOnBridge() throws Exception {
		java.net.InetAddress bridge = settings.containers().bridge();
		if (bridge == null) {
			return;
		}
		ServerConnector onBridge = new ServerConnector(server, strictHttp);
		onBridge.setHost(bridge.getHostAddress());
		onBridge.setPort(connector.getLocalPort());
		onBridge.setIdleTimeout(connector.getIdleTimeout());
		server.addConnector(onBridge);
		try {
			onBridge.start();
		} catch (Exception e) {
			throw new AmkException(ErrorType.PROXY_START_FAILED, "The proxy could not also listen on the container bridge "
					+ bridge.getHostAddress() + ":" + connector.getLocalPort() + " (" + e.getMessage() + "). Free that port there, or"
					+ " start without --allow-containers.", e);
		}
		bridgeConnector = onBridge;
	}

	/** Where the proxy listens, as host:port: 127.0.0.1 always, the container bridge when allowed and present. */
	public java.util.List<String> listenAddresses() {
		java.util.List<String> addresses = new java.util.ArrayList<>();
		for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
			if (c instanceof ServerConnector sc && sc.getLocalPort() > 0) {
				addresses.add(sc.getHost() + ":" + sc.getLocalPort());
			}
		}
		return addresses;
	}

	/** The bound port (useful when started on port 0). */
	public int port() {
		return connector.getLocalPort();
	}

	/** Intercepted tunnels open now. */
	public int tunnelCount() {
		return tunnels.size();
	}

	public int inFlightCount() {
		return inFlight.size();
	}

	/** Finishes running requests for up to five seconds, then cuts what is left. */
	@Override
	public void close() {
		try {
			server.stop();
		} catch (Exception e) {
			System.getLogger(ProxyServer.class.getName()).log(System.Logger.Level.WARNING, "Stopping the proxy: " + e.getMessage());
		}
		headDeadline.shutdownNow();
		inFlight.cutAll();
		inFlight.close();
		tunnels.closeAll();
		client.dispatcher().executorService().shutdown();
		client.connectionPool().evictAll();
	}

	private void closeQuietly() {
		try {
			server.stop();
		} catch (Exception ignored) {
			// start failed; nothing more to release
		}
		headDeadline.shutdownNow();
		inFlight.close();
	}
}
