package dev.amk.proxy;

import dev.amk.access.AccessRegistry;
import dev.amk.access.AccessSnapshot;
import dev.amk.access.Authorisation;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.access.Target;
import dev.amk.agents.AgentKey;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.AuditLog;
import dev.amk.audit.Decision;
import dev.amk.ca.LeafCertificates;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.Callback;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * The forward-proxy front door ({@code HTTPS_PROXY} mode) on the same port as the base-URL routes, which it hands
 * everything else to unchanged. Three kinds of request are its own:
 * <ul>
 * <li>{@code CONNECT host:port} with {@code Proxy-Authorization}: for a host one of the agent's granted connections
 * owns, {@code 200}, then TLS with a leaf of the local CA and plain Jetty HTTP/1.1 on top, on the very same
 * connection (no second listener, no loopback hop: the endpoint is handed over the way Jetty's own
 * {@code ConnectHandler} does, through {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE});</li>
 * <li>each request inside such a tunnel, found by the tunnel's mark on its connection;</li>
 * <li>absolute-form {@code http://host/…} with {@code Proxy-Authorization}.</li>
 * </ul>
 * Requests of the last two kinds go through the same {@link PipelineTail} as {@code /CONN/…} does
 * ({@link ProxyHandler}), with the host choosing the connection ({@link InterceptedHosts}) and the proxy key
 * choosing the caller. Whatever credential the tool put in the request is dropped ({@link UpstreamRequest}); an
 * agent key inside that is not the proxy key is refused rather than ignored, since two agents' keys in one
 * request mean a confused or hostile client.
 */
final class ForwardProxy extends Handler.Wrapper {
	/** The attribute of a tunnel's inner HTTP connection that says which tunnel it is. */
	static final String TUNNEL = "dev.amk.proxy.tunnel";
	/** The port whose tunnels carry plain HTTP (ws://, http://); every other intercepted port is TLS with the local CA. */
	static final int PLAIN_HTTP_PORT = 80;

	private final AccessRegistry registry;
	private final Clock clock;
	private final PipelineTail tail;
	private final AuditLog auditLog;
	private final SSLContext tls;
	private final LeafCertificates leaves;
	private final StrictHttp innerHttp;
	private final Tunnels tunnels;
	private BlindTunnels blind;
	private TunnelDestinations destinations = TunnelDestinations.PUBLIC_ONLY;

	/**
	 * @param tls    the server side of intercepted tunnels ({@link dev.amk.ca.SniKeyManager} over {@code leaves}); null when
	 *               there is no local CA
	 * @param leaves the leaves {@code tls} presents, issued before the {@code 200} so that a CA that cannot sign is a clear answer
	 * @param http   the main connector's HTTP: a tunnel's inner requests get the same strict parsing and header-read deadline
	 */
	ForwardProxy(Handler routes, AccessRegistry registry, Clock clock, PipelineTail tail, AuditLog auditLog, SSLContext tls,
			LeafCertificates leaves, StrictHttp http, Tunnels tunnels) {
		super(routes);
		this.registry = registry;
		this.clock = clock;
		this.tail = tail;
		this.auditLog = auditLog;
		this.tls = tls;
		this.leaves = leaves;
		this.innerHttp = http;
		this.tunnels = tunnels;
	}

	/** {@code --allow-host}: blind tunnels to vetted addresses of the agent's allowed hosts; without this, every such CONNECT is refused. */
	ForwardProxy withBlindTunnels(BlindTunnels blindTunnels, TunnelDestinations vetted) {
		this.blind = blindTunnels;
		this.destinations = vetted;
		return this;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (request.getConnectionMetaData().getAttribute(TUNNEL) instanceof Tunnels.Tunnel tunnel) {
			exchange(request, response, callback, tunnel.proxyKey(), tunnel.host(), tunnel.port(), true);
			return true;
		}
		if (HttpMethod.CONNECT.is(request.getMethod())) {
			connect(request, response, callback);
			return true;
		}
		HttpURI uri = request.getHttpURI();
		if (uri.isAbsolute() && ProxyCredentials.present(request.getHeaders())) {
			absoluteForm(request, response, callback);
			return true;
		}
		// Base-URL routes; absolute-form without proxy credentials is refused there, as it always was.
		return super.handle(request, response, callback);
	}

	private void connect(Request request, Response response, Callback callback) {
		AuditDraft audit = new AuditDraft(auditLog, clock.instant(), "CONNECT");
		HttpURI uri = request.getHttpURI();
		audit.target(null, shown(uri.getHost()) + ":" + uri.getPort());
		try {
			String key = ProxyCredentials.presentedKey(request.getHeaders());
			AccessSnapshot snapshot = registry.current();
			Caller caller = CallerIdentification.identify(key, snapshot);
			audit.caller(caller.agentId(), caller.agentName());
			String host = InterceptedHosts.requireInterceptable(uri.getHost());
			int port = uri.getPort();
			refuseIfCannotAct(snapshot, caller);
			if (blind != null && !InterceptedHosts.ownedByGrant(snapshot, caller.agent(), host) && caller.agent().agent().allowsHost(host)) {
				openBlind(request, response, callback, audit, caller, key, host, port);
				return;
			}
			InterceptedHosts.Route route = InterceptedHosts.route(snapshot, caller.agent(), host);
			if (port != 443 && port != PLAIN_HTTP_PORT && port != route.upstream().baseUrl().port()) {
				throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "Only ports 443 and 80 (or the connection's own port) of " + host + " are intercepted.");
			}
			Tunnels.Tunnel tunnel = new Tunnels.Tunnel(host, port, key, caller.keyHash(), tunnelEndPoint(request));
			if (port == PLAIN_HTTP_PORT) {
				openPlainTunnel(request, tunnel);
			} else {
				if (tls == null) {
					throw Refused.of(ErrorType.CONNECTION_UNAVAILABLE, "The broker has no local CA, so it cannot intercept " + host + ".");
				}
				try {
					leaves.leaf(host); // cached for the handshake; signed here, so that a failure is an answer rather than a broken handshake
				} catch (RuntimeException e) {
					throw Refused.of(ErrorType.CONNECTION_UNAVAILABLE, "The broker's local CA cannot issue a certificate for " + host
							+ " now (is the keychain unlocked?). 'amk ca status' says more.");
				}
				openTunnel(request, tunnel);
			}
			// The successful CONNECT is not a row of its own: each request inside the tunnel is.
			response.setStatus(200);
			callback.succeeded();
		} catch (Refused refused) {
			refuseAsProxy(request, response, callback, audit, refused);
		}
	}

	/** The client's socket, which the tunnel takes over after the 200: only an HTTP/1.1 CONNECT has one to give. */
	private static EndPoint tunnelEndPoint(Request request) throws Refused {
		TunnelSupport support = request.getTunnelSupport();
		if (support == null || support.getProtocol() != null) {
			throw Refused.of(ErrorType.BAD_REQUEST, "CONNECT is served over HTTP/1.1 only.");
		}
		return support.getEndPoint();
	}

	/** A blind tunnel for an allowed host: port 443 only, to an address vetted now; audited when it ends, with its byte counts. */
	private void openBlind(Request request, Response response, Callback callback, AuditDraft audit, Caller caller, String key, String host, int port)
			throws Refused {
		if (port != 443) {
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "Blind tunnels (--allow-host) reach port 443 only; " + host + ":" + port + " is refused.");
		}
		java.net.InetSocketAddress address;
		try {
			address = destinations.resolve(host, port);
		} catch (TunnelDestinations.NotPublic e) {
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, host + " resolves to an address on this machine, the local network or a link-local"
					+ " service; the broker never tunnels there, whatever --allow-host says.");
		} catch (java.net.UnknownHostException e) {
			throw Refused.of(ErrorType.UPSTREAM_UNREACHABLE, host + " does not resolve; check the name and the network.");
		}
		blind.open(request, response, callback, address, audit, new Tunnels.Tunnel(host, port, key, caller.keyHash(), tunnelEndPoint(request)));
	}

	/**
	 * TLS on the client's own connection, then Jetty's HTTP/1.1 on the decrypted side, marked as this tunnel. The
	 * engine is made for the CONNECT host, so {@link dev.amk.ca.SniKeyManager} offers a certificate only when the
	 * client's SNI names that same host; ALPN offers http/1.1 alone.
	 */
	private void openTunnel(Request request, Tunnels.Tunnel tunnel) {
		SSLEngine engine = tls.createSSLEngine(tunnel.host(), tunnel.port());
		engine.setUseClientMode(false);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setApplicationProtocols(new String[] {"http/1.1"});
		engine.setSSLParameters(parameters);
		Connector connector = request.getConnectionMetaData().getConnector();
		SslConnection ssl = new SslConnection(connector.getByteBufferPool(), connector.getExecutor(), tunnel.network(), engine);
		Connection inner = innerHttp.newConnection(connector, ssl.getSslEndPoint());
		ssl.getSslEndPoint().setConnection(inner);
		upgrade(request, tunnel, inner, ssl);
	}

	/**
	 * A tunnel to port 80: plain HTTP/1.1 inside, as WebSocket clients send {@code ws://} (and some tools {@code http://})
	 * when they always tunnel through a proxy. Each request inside is handled exactly as in a TLS tunnel; what the broker
	 * sends upstream still goes to the connection's own base URL (HTTPS for every provider), so only the agent's loopback
	 * leg is unencrypted, as on the base-URL routes.
	 */
	private void openPlainTunnel(Request request, Tunnels.Tunnel tunnel) {
		Connection inner = innerHttp.newConnection(request.getConnectionMetaData().getConnector(), tunnel.network());
		upgrade(request, tunnel, inner, inner);
	}

	/** Marks {@code inner} as the tunnel's HTTP connection and puts {@code outermost} on the client's socket after the 200. */
	private void upgrade(Request request, Tunnels.Tunnel tunnel, Connection inner, Connection outermost) {
		((ConnectionMetaData) inner).setAttribute(TUNNEL, tunnel);
		outermost.addEventListener(new Connection.Listener() {
			@Override
			public void onClosed(Connection connection) {
				tunnels.closed(tunnel);
			}
		});
		tunnels.opened(tunnel);
		request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, outermost);
	}

	private void absoluteForm(Request request, Response response, Callback callback) {
		HttpURI uri = request.getHttpURI();
		if (!"http".equalsIgnoreCase(uri.getScheme())) {
			AuditDraft audit = new AuditDraft(auditLog, clock.instant(), request.getMethod());
			audit.target(null, uri.getPath());
			refuseAsProxy(request, response, callback, audit, Refused.of(ErrorType.BAD_REQUEST, "Send https:// requests through CONNECT"
					+ " (HTTPS_PROXY); absolute-form is for http:// only."));
			return;
		}
		String key;
		try {
			key = ProxyCredentials.presentedKey(request.getHeaders());
		} catch (Refused refused) {
			AuditDraft audit = new AuditDraft(auditLog, clock.instant(), request.getMethod());
			audit.target(null, uri.getPath());
			refuseAsProxy(request, response, callback, audit, refused);
			return;
		}
		exchange(request, response, callback, key, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80, false);
	}

	/**
	 * One request for {@code host}, made by the agent whose proxy key is {@code proxyKey}: the stages of
	 * {@link ProxyHandler} with the route taken from the host.
	 */
	private void exchange(Request request, Response response, Callback callback, String proxyKey, String expectedHost, int port,
			boolean inTunnel) {
		String rawPath = request.getHttpURI().getPath() == null || request.getHttpURI().getPath().isEmpty() ? "/" : request.getHttpURI().getPath();
		AuditDraft audit = new AuditDraft(auditLog, clock.instant(), request.getMethod());
		audit.target(null, rawPath);
		try {
			if (HttpMethod.CONNECT.is(request.getMethod())) {
				throw Refused.closingConnection(ErrorType.BAD_REQUEST, "A CONNECT inside an intercepted tunnel is not served.");
			}
			RequestValidation.checkFraming(request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING));
			AccessSnapshot snapshot = registry.current();
			Caller caller = CallerIdentification.identify(proxyKey, snapshot);
			audit.caller(caller.agentId(), caller.agentName());
			String host = InterceptedHosts.requireInterceptable(expectedHost);
			if (inTunnel) {
				checkInnerHost(request, host, port);
			}
			InterceptedHosts.Route route = InterceptedHosts.route(snapshot, caller.agent(), host);
			String name = route.connection().name();
			RequestTarget path;
			try {
				path = RequestTarget.parse("/" + name + rawPath);
			} catch (RequestTarget.Refused e) {
				throw Refused.of(ErrorType.BAD_REQUEST, e.getMessage());
			}
			audit.target(name, path.rawRestPath());
			int below = belowBasePath(route, path.segments(), host);
			List<String> segments = path.segments().subList(below, path.segments().size());
			List<String> rawSegments = path.rawSegments().subList(below, path.rawSegments().size());
			List<QueryParameter> query = QueryParameter.parse(request.getHttpURI().getQuery());
			refuseOtherAgentKey(request, query, proxyKey);
			// git over HTTPS: a fetch's POST is a read, a push's GET is a write (GitSmartHttp).
			String method = GitSmartHttp.authorisedMethod(route.connection().provider(), caller.agent().grants().get(name), request.getMethod(),
					segments, query);
			Target target = new Target(name, method, segments);
			tail.complete(request, response, callback, audit, new PipelineTail.Routed(snapshot, caller, target, rawSegments, query, proxyKey,
					route.upstream()));
		} catch (Refused refused) {
			if (inTunnel) {
				PipelineTail.refuse(request, response, callback, audit, closingIfAgentRefused(refused));
			} else {
				refuseAsProxy(request, response, callback, audit, refused);
			}
		} catch (ExchangeBroken broken) {
			PipelineTail.broken(request, callback, audit, broken);
		} catch (RuntimeException e) {
			PipelineTail.failed(request, response, callback, audit, e);
		}
	}

	/** Inside a tunnel, an agent refused as such (unknown, revoked, expired) is gone: so is its tunnel. */
	private static Refused closingIfAgentRefused(Refused refused) {
		Refusal refusal = refused.refusal();
		return refusal.status() == 401 && !refused.closesConnection() ? Refused.closingConnection(refusal.type(), refusal.message()) : refused;
	}

	/**
	 * Inside a tunnel the request must be for the tunnel's host: Host (and an absolute-form target, if a client sends
	 * one) naming another host would let one granted tunnel carry requests meant for an ungranted host.
	 */
	private static void checkInnerHost(Request request, String host, int port) throws Refused {
		List<String> values = request.getHeaders().getValuesList(HttpHeader.HOST);
		String uriHost = request.getHttpURI().getHost();
		boolean ok = values.size() == 1 && sameHost(values.getFirst(), host, port)
				&& (uriHost == null || uriHost.equalsIgnoreCase(host));
		if (!ok) {
			throw Refused.closingConnection(ErrorType.HOST_NOT_ALLOWED, "This tunnel was opened for " + host + "; a request inside it"
					+ " must be for that host only (one Host header naming it).");
		}
	}

	private static boolean sameHost(String hostHeader, String host, int port) {
		String h = hostHeader.strip().toLowerCase(Locale.ROOT);
		return h.equals(host) || h.equals(host + ":" + port) || h.equals(host + "."); // the absolute name is the same host
	}

	/** How many leading segments are the base URL's own path, which a tool's full path repeats and grants do not see. */
	private static int belowBasePath(InterceptedHosts.Route route, List<String> segments, String host) throws Refused {
		List<String> base = route.basePath();
		if (segments.size() < base.size() || !segments.subList(0, base.size()).equals(base)) {
			throw Refused.of(ErrorType.SCOPE_DENIED, "Connection '" + route.connection().name() + "' reaches only /" + String.join("/", base)
					+ "/… on " + host + ".");
		}
		return base.size();
	}

	/** Any agent key in the request must be the proxy key: other credentials are dropped silently, another agent's key is not. */
	private static void refuseOtherAgentKey(Request request, List<QueryParameter> query, String proxyKey) throws Refused {
		switch (AgentKeyLocator.locate(request.getHeaders(), query)) {
			case AgentKeyLocator.Found(String key) when AgentKey.looksLikeAgentKey(key) && !key.equals(proxyKey) ->
					throw Refused.of(ErrorType.BAD_REQUEST, "The request carries an agent key other than the proxy credentials' key;"
							+ " send one agent's key only (or none: the proxy key is enough).");
			case AgentKeyLocator.Conflicting _ -> throw Refused.of(ErrorType.BAD_REQUEST, "The request carries two different agent keys;"
					+ " send one agent's key only (or none: the proxy key is enough).");
			default -> {
			}
		}
	}

	/** The CONNECT checks that come before the host: an agent revoked or expired opens nothing. */
	private void refuseIfCannotAct(AccessSnapshot snapshot, Caller caller) throws Refused {
		// Asked through Authorisation so that the wording and order stay the pipeline's; a connection-less target
		// is refused after the agent's own checks, which are all this step wants.
		Authorisation.Verdict verdict = Authorisation.authorise(snapshot, caller, new Target("", "CONNECT", List.of()), clock.instant());
		if (verdict instanceof Refusal refusal && refusal.status() == 401) {
			throw new Refused(refusal);
		}
	}

	/**
	 * A refusal of the proxy itself: the 401 cases (no, bad, unknown, revoked key) are answered 407 with the
	 * challenge, with the same JSON error types; everything else as on base-URL routes.
	 */
	private static void refuseAsProxy(Request request, Response response, Callback callback, AuditDraft audit, Refused refused) {
		Refusal refusal = refused.refusal();
		boolean aboutProxyCredentials = refusal.status() == 401 || refusal.type() == ErrorType.PROXY_AUTH_REQUIRED;
		if (!aboutProxyCredentials || response.isCommitted()) {
			PipelineTail.refuse(request, response, callback, audit, refused);
			return;
		}
		audit.status(407);
		ErrorType reason = refused.auditReason(audit);
		audit.finish(Decision.refusing(reason), reason);
		audit.awaitRecorded();
		response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, ProxyCredentials.CHALLENGE);
		PipelineTail.writeError(response, PipelineTail.refusalDone(request, response, callback, refused.closesConnection()), 407, refusal);
	}

	/** A CONNECT host as the audit row shows it: request text, so bounded. */
	private static String shown(String host) {
		return host == null ? "" : host.length() > 255 ? host.substring(0, 255) : host;
	}

	void closeTunnels() {
		tunnels.closeAll();
	}
}
