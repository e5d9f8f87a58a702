package dev.amk.proxy;

import dev.amk.access.Refusal;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Blind tunnels for {@code --allow-host}: bytes relayed both ways without TLS interception, no credential added.
 * Jetty's own {@link ConnectHandler} does the relaying; {@link ForwardProxy} has already identified the agent, checked
 * the host against its allowed patterns and vetted the address ({@link TunnelDestinations}), and this class connects
 * to that vetted address only, counts the bytes, and records one audit row when the tunnel ends: CONNECT, the host,
 * status 200, bytes each way. The tunnel is listed in {@link Tunnels}, so revoking the agent closes it.
 */
final class BlindTunnels extends ConnectHandler {
	private static final String STATE = "dev.amk.proxy.blind";

	/** What one blind tunnel carries in its Jetty context. */
	record State(InetSocketAddress address, AuditDraft audit, Tunnels.Tunnel tunnel, AtomicLong fromAgent, AtomicLong toAgent, AtomicBoolean finished) {
	}

	private final Tunnels tunnels;

	BlindTunnels(Tunnels tunnels, long connectTimeoutMillis) {
		this.tunnels = tunnels;
		setConnectTimeout(connectTimeoutMillis);
		setIdleTimeout(5 * 60_000L);
	}

	/** Opens the tunnel for a CONNECT already decided; answers the CONNECT itself (200, or 502/504 when the host cannot be reached). */
	void open(Request request, Response response, Callback callback, InetSocketAddress address, AuditDraft audit, Tunnels.Tunnel tunnel) {
		request.setAttribute(STATE, new State(address, audit, tunnel, new AtomicLong(), new AtomicLong(), new AtomicBoolean()));
		handleConnect(request, response, callback, request.getHttpURI().getAuthority());
	}

	@Override
	protected void connectToServer(Request request, String host, int port, Promise<SocketChannel> promise) {
		State state = (State) request.getAttribute(STATE);
		// The vetted address, never the name again: what was checked is what is reached.
		super.connectToServer(request, state.address().getAddress().getHostAddress(), state.address().getPort(), promise);
	}

	@Override
	protected void onConnectSuccess(ConnectContext connectContext, UpstreamConnection upstreamConnection) {
		State state = (State) connectContext.getRequest().getAttribute(STATE);
		connectContext.getContext().put(STATE, state); // the relaying connections see only this context
		state.audit().status(200);
		tunnels.opened(state.tunnel());
		super.onConnectSuccess(connectContext, upstreamConnection);
	}

	/** The host did not answer: the contract's 502 {@code upstream_unreachable} in JSON, not Jetty's bare 500. */
	@Override
	protected void onConnectFailure(Request request, Response response, Callback callback, Throwable failure) {
		State state = (State) request.getAttribute(STATE);
		Refusal refusal = new Refusal(ErrorType.UPSTREAM_UNREACHABLE, "The broker could not connect to " + state.tunnel().host() + ":"
				+ state.tunnel().port() + " (" + failure.getClass().getSimpleName() + "). Check the host and the network.");
		if (state.finished().compareAndSet(false, true)) {
			state.audit().status(502);
			state.audit().finish(Decision.ERROR, ErrorType.UPSTREAM_UNREACHABLE);
		}
		PipelineTail.writeError(response, callback, 502, refusal);
	}

	@Override
	protected DownstreamConnection newDownstreamConnection(EndPoint endPoint, ConcurrentMap<String, Object> context) {
		DownstreamConnection connection = super.newDownstreamConnection(endPoint, context);
		State state = (State) context.get(STATE);
		context.put(STATE + ".agent", endPoint);
		connection.addEventListener(new Connection.Listener() {
			@Override
			public void onClosed(Connection closed) {
				tunnels.closed(state.tunnel());
				if (state.finished().compareAndSet(false, true)) {
					state.audit().addBytesIn(state.fromAgent().get());
					state.audit().addBytesOut(state.toAgent().get());
					state.audit().finish(Decision.ALLOWED, null);
				}
			}
		});
		return connection;
	}

	@Override
	protected int read(EndPoint endPoint, ByteBuffer buffer, ConcurrentMap<String, Object> context) throws IOException {
		int n = super.read(endPoint, buffer, context);
		State state = (State) context.get(STATE);
		if (n > 0 && state != null) {
			(endPoint == context.get(STATE + ".agent") ? state.fromAgent() : state.toAgent()).addAndGet(n);
		}
		return n;
	}
}
