package dev.amk.proxy;

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
		this(settings, registry, clock, credentials, audit, ca, AgentControls.inMemory(clock));
	}

	/** @param controls each agent's rate, concurrency, model and budget controls */
	public ProxyServer(ProxySettings settings, AccessRegistry registry, Clock clock, CredentialSource credentials, AuditLog audit, LocalCa ca,
			AgentControls controls) {
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
		this.connector = new ServerConnector(server, strictHttp);
		connector.setHost("127.0.0.1");
		connector.setPort(settings.port());
		connector.setIdleTimeout(Duration.ofSeconds(30).toMillis());
		server.addConnector(connector);

		this.client = UpstreamClient.create(settings);
		Duration headerTimeout = settings.limits().headerReadTimeout();
		long headSweepMillis = Math.max(10, Math.min(1000, headerTimeout.toMillis() / 4));
		headDeadline.scheduleWithFixedDelay(() -> strictHttp.cutSlowHeads(connector.getConnectedEndPoints()), headSweepMillis, headSweepMillis,
				TimeUnit.MILLISECONDS);
		Duration sweep = Duration.ofMillis(Math.min(250, Math.max(10, settings.limits().uploadGrace().toMillis() / 4)));
		this.inFlight = new InFlightRequests(clock, registry::current, settings.firstByteTimeout(), settings.idleTimeout(), sweep,
				settings.limits());
		registry.addListener(inFlight::onSnapshot);
		registry.setBusySignal(() -> inFlight.size() > 0); // running streams are cut within one busy poll
		CredentialLookup credentialLookup = new CredentialLookup(credentials);
		// One forwarder and tail for both doors: the caps on concurrent requests count a tunnel's requests with the routes'.
		Forwarder forwarder = new Forwarder(client, inFlight, credentialLookup);
		PipelineTail tail = new PipelineTail(registry, clock, credentialLookup, forwarder, controls);
		ProxyHandler handler = new ProxyHandler(registry, clock, tail, audit);
		// HTTPS_PROXY mode on the same port: CONNECT, tunnels and absolute-form first, everything else to the routes.
		this.tunnels = new Tunnels(clock);
		registry.addListener(tunnels::onSnapshot);
		LeafCertificates leaves = ca == null ? null : new LeafCertificates(ca, clock, LeafCertificates.backgroundRenewals());
		javax.net.ssl.SSLContext tls = leaves == null ? null
				: new SniKeyManager(leaves, host -> InterceptedHosts.ownedByAny(registry.current(), host)).serverContext();
		ForwardProxy forwardProxy = new ForwardProxy(handler, registry, clock, tail, audit, tls, leaves, strictHttp, tunnels);
		server.setHandler(new GracefulHandler(forwardProxy));
		server.setErrorHandler(new JsonErrorHandler(audit, clock));
		server.setStopTimeout(GRACEFUL_STOP.toMillis());
	}

	public ProxyServer start() {
		try {
			server.start();
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
