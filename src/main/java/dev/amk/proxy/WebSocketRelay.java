package dev.amk.proxy;

import dev.amk.audit.AuditDraft;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Sink;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket after its handshake: the agent's connection (the broker's port, or the decrypted side of an intercepted
 * tunnel) taken over from Jetty's HTTP the way {@link ForwardProxy} takes over a {@code CONNECT}, and the upstream's
 * upgraded socket from OkHttp ({@link okhttp3.Response#socket()}), with the bytes between them relayed both ways as they
 * arrive: no frame or message is waited for, so a fragment, a server push to a silent client or a large message moves
 * at the speed of the network.
 *
 * <p>Why raw bytes rather than a WebSocket library on each side: the broker has nothing to change inside the socket (the
 * credential is swapped on the handshake, which is plain HTTP through the whole pipeline), so terminating and re-encoding
 * frames would only add work and would have to negotiate extensions (permessage-deflate) and subprotocols on each side,
 * which end to end they are. The one thing the broker says itself, a close frame when access ends, needs to know only
 * where frames begin ({@link WebSocketFrames}), and goes out only between two frames.
 *
 * <p>While it is open the socket stays tracked in {@link InFlightRequests} as the request it began as: a revocation (or a
 * rotation, deletion, expiry, a grant narrowed to reading) cuts it, and the agent gets close code 1008 with the reason; the
 * upstream's socket is closed. Whatever the relay does, the agent gets only unmasked frames and the upstream only masked ones
 * (RFC 6455 §5.1): a frame masked the wrong way, from either side, is not relayed, and the agent gets close code 1002 with
 * the reason. Traffic either way is activity; a socket silent both ways for longer than the proxy's idle
 * timeout is closed with 1001. Its audit row (status 101, bytes each way, how long it was open) is written when it ends.
 */
final class WebSocketRelay extends AbstractConnection implements Connection.UpgradeTo {
	private static final int CHUNK = StreamingBody.CHUNK;

	private final okio.Socket upstream;
	private final Sink toUpstream;
	private final Forwarder.Forwarded forwarded;
	private final InFlightRequests.Entry entry;
	private final AuditDraft audit;
	private final WebSocketFrames up = new WebSocketFrames(WebSocketFrames.Direction.FROM_CLIENT);
	private final WebSocketFrames down = new WebSocketFrames(WebSocketFrames.Direction.FROM_SERVER);
	/** Set once, when either side sent a frame masked the wrong way: the socket is failed with close code 1002. */
	private volatile ProtocolError protocolError;
	private final AtomicLong bytesIn = new AtomicLong();
	private final AtomicLong bytesOut = new AtomicLong();
	private final AtomicBoolean ended = new AtomicBoolean();
	private final ByteBuffer fromAgent = BufferUtil.allocate(CHUNK);
	private ByteBuffer early;

	private WebSocketRelay(EndPoint agent, java.util.concurrent.Executor executor, Forwarder.Forwarded forwarded, AuditDraft audit) {
		super(agent, executor);
		this.forwarded = forwarded;
		this.entry = forwarded.entry();
		this.upstream = forwarded.answer().socket();
		this.toUpstream = upstream.getSink();
		this.audit = audit;
	}

	/**
	 * Answers the agent's handshake with the upstream's {@code 101} and hands the agent's connection to a relay; from then
	 * on the relay owns the tracked entry and finishes the audit row.
	 *
	 * @return false when the upstream did not switch protocols: its answer is then relayed as a plain response
	 * @throws Refused when the upstream claimed to switch but gave no socket, or the agent's connection cannot be taken over
	 */
	static boolean takeOver(Request request, Response response, Callback callback, AuditDraft audit, Forwarder.Forwarded answer)
			throws Refused {
		okhttp3.Response upstream = answer.answer();
		if (upstream.code() != 101) {
			return false;
		}
		TunnelSupport support = request.getTunnelSupport();
		if (upstream.socket() == null || support == null || support.getProtocol() != null) {
			answer.close();
			throw Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The upstream's WebSocket handshake could not be completed over HTTP/1.1.");
		}
		audit.status(101);
		response.setStatus(101);
		HttpFields.Mutable headers = response.getHeaders();
		Relay.copyHeaders(upstream, headers, answer.mask());
		headers.put("Upgrade", "websocket");
		headers.put("Connection", "Upgrade");
		EndPoint agent = support.getEndPoint();
		WebSocketRelay relay = new WebSocketRelay(agent, request.getConnectionMetaData().getConnector().getExecutor(), answer, audit);
		request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, relay);
		callback.succeeded();
		return true;
	}

	/** Why the socket was failed: the refusal it is audited as, and the close frame's reason. */
	private record ProtocolError(ErrorType type, String reason) {
	}

	/** Whether an intercepted tunnel's network end carries a WebSocket, which closes its tunnel itself when access ends. */
	static boolean carriedBy(EndPoint network) {
		return network.getConnection() instanceof SslConnection tls && tls.getSslEndPoint().getConnection() instanceof WebSocketRelay;
	}

	@Override
	public void onUpgradeTo(ByteBuffer buffer) {
		// Bytes the agent sent right behind its handshake, read by Jetty's HTTP already: they are the socket's first.
		if (BufferUtil.hasContent(buffer)) {
			early = BufferUtil.copy(buffer);
		}
	}

	@Override
	public void onOpen() {
		super.onOpen();
		entry.streaming = true; // from here on the idle timeout applies, not the first-byte one
		entry.touch();
		entry.onCut = this::cut;
		Thread.ofVirtual().name("amk-websocket-down").start(this::relayDown);
		if (entry.cut != null) {
			cut(); // cut between the 101 and now
			return;
		}
		try {
			if (early != null) {
				toUpstream(early);
				early = null;
			}
			if (protocolError == null) {
				fillInterested();
			}
		} catch (IOException e) {
			end();
		}
	}

	/** The agent has sent something: on to the upstream, then wait for more. Runs on one Jetty thread at a time. */
	@Override
	public void onFillable() {
		try {
			while (true) {
				BufferUtil.clear(fromAgent);
				int n = getEndPoint().fill(fromAgent);
				if (n > 0) {
					toUpstream(fromAgent);
					if (protocolError != null) {
						return; // nothing more is read from the agent: relayDown closes the socket with 1002
					}
				} else if (n == 0) {
					fillInterested();
					return;
				} else {
					end(); // the agent closed its connection: the upstream's side goes too
					return;
				}
			}
		} catch (IOException e) {
			end();
		}
	}

	private void toUpstream(ByteBuffer bytes) throws IOException {
		byte[] array;
		int offset;
		int length = bytes.remaining();
		if (bytes.hasArray()) {
			array = bytes.array();
			offset = bytes.arrayOffset() + bytes.position();
		} else {
			array = new byte[length];
			bytes.get(array);
			offset = 0;
		}
		int n = up.feed(array, offset, length);
		if (n > 0) {
			Buffer buffer = new Buffer();
			buffer.write(array, offset, n);
			toUpstream.write(buffer, n);
			toUpstream.flush();
			bytesIn.addAndGet(n);
			entry.touch();
		}
		if (up.violated()) {
			fail(new ProtocolError(ErrorType.BAD_REQUEST, "bad_request: the agent sent an unmasked frame; a WebSocket client masks every"
					+ " frame (RFC 6455 §5.1)"));
		}
	}

	/** A frame masked the wrong way: the upstream's socket goes now (no more of either side is relayed), the agent hears why. */
	private void fail(ProtocolError error) {
		if (protocolError == null) {
			protocolError = error;
		}
		upstream.cancel();
	}

	/** The upstream's bytes on to the agent as they arrive, on a thread of its own: the only writer to the agent. */
	private void relayDown() {
		byte[] bytes = new byte[CHUNK];
		try (BufferedSource from = Okio.buffer(upstream.getSource())) {
			int n;
			while ((n = from.read(bytes)) != -1) {
				int pass = down.feed(bytes, 0, n);
				bytesOut.addAndGet(pass);
				entry.touch();
				if (pass > 0) {
					toAgent(ByteBuffer.wrap(bytes, 0, pass));
				}
				if (down.violated()) {
					fail(new ProtocolError(ErrorType.UPSTREAM_UNREACHABLE, "upstream_unreachable: the upstream sent a masked frame, which a"
							+ " WebSocket server never does (RFC 6455 §5.1)"));
					break;
				}
			}
		} catch (IOException e) {
			// the upstream closed, broke, or was closed by cut() or fail(): which one is in entry.cut or protocolError
		}
		InFlightRequests.Cut why = entry.cut;
		ProtocolError error = protocolError;
		if (error != null) {
			if (down.atBoundary()) {
				try {
					toAgent(ByteBuffer.wrap(WebSocketFrames.serverClose(WebSocketFrames.PROTOCOL_ERROR, error.reason())));
				} catch (IOException e) {
					// the agent is gone already
				}
			}
		} else if (why != null && down.atBoundary()) {
			boolean accessEnded = why == InFlightRequests.Cut.ACCESS_ENDED;
			String reason = accessEnded ? entry.refusal.type().type() + ": " + entry.refusal.message() : "the broker closed the socket ("
					+ why.name().toLowerCase(java.util.Locale.ROOT) + ")";
			try {
				toAgent(ByteBuffer.wrap(WebSocketFrames.serverClose(accessEnded ? WebSocketFrames.POLICY_VIOLATION : WebSocketFrames.GOING_AWAY,
						reason)));
			} catch (IOException e) {
				// the agent is gone already
			}
		}
		end();
	}

	private void toAgent(ByteBuffer bytes) throws IOException {
		try (Blocker.Callback blocker = Blocker.callback()) {
			getEndPoint().write(blocker, bytes);
			blocker.block();
		}
	}

	/** Access ended or a deadline passed ({@link InFlightRequests}): the upstream's socket goes now, the agent hears why. */
	private void cut() {
		upstream.cancel();
	}

	/** Both sides closed, the entry untracked and the audit row written; once, whichever side ends first. */
	private void end() {
		if (!ended.compareAndSet(false, true)) {
			return;
		}
		upstream.cancel();
		getEndPoint().close();
		try {
			forwarded.close();
		} catch (RuntimeException e) {
			forwarded.inFlight().remove(entry); // an upgraded answer has no body to close; the entry must go all the same
		}
		audit.addBytesIn(bytesIn.get());
		audit.addBytesOut(bytesOut.get());
		InFlightRequests.Cut why = entry.cut;
		ProtocolError error = protocolError;
		if (error != null && why != InFlightRequests.Cut.ACCESS_ENDED) {
			audit.finish(Decision.refusing(error.type()), error.type());
		} else if (why == InFlightRequests.Cut.ACCESS_ENDED) {
			audit.finish(Decision.refusing(entry.refusal.type()), entry.refusal.type());
		} else if (why == InFlightRequests.Cut.IDLE_TIMEOUT) {
			audit.finish(Decision.refusing(ErrorType.UPSTREAM_TIMEOUT), ErrorType.UPSTREAM_TIMEOUT);
		} else {
			audit.finish(Decision.ALLOWED, null);
		}
	}

	@Override
	public void onClose(Throwable cause) {
		super.onClose(cause);
		end();
	}

	/** Silence is {@link InFlightRequests}' to judge (the proxy's idle timeout), not the connector's 30 s. */
	@Override
	public boolean onIdleExpired(TimeoutException timeout) {
		return false;
	}
}
