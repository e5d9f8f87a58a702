package dev.amk.proxy;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Completes a refusal that closes the connection only after reading away what the agent is still sending, for a
 * short while (RFC 9112 §9.6, nginx's lingering close). Closing a socket with unread bytes in it sends a reset, and a
 * reset can reach the agent before it has read the answer: it then sees a dropped connection instead of the JSON error
 * (seen in one refusal in twelve of an over-large MCP body). Bounded in bytes and time, so a client that keeps sending
 * holds nothing: after either bound the connection is closed as before.
 */
final class LingeringClose implements Callback {
	static final long MAX_BYTES = 16L * 1024 * 1024;
	static final long MAX_MILLIS = 2_000;

	private final Request request;
	private final Callback done;
	private final AtomicBoolean finished = new AtomicBoolean();
	private long drained;

	private LingeringClose(Request request, Callback done) {
		this.request = request;
		this.done = done;
	}

	/** The callback for the refusal's answer: once written, the rest of the request is drained, then {@code done} completes. */
	static Callback after(Request request, Callback done) {
		return new LingeringClose(request, done);
	}

	@Override
	public void succeeded() {
		request.getComponents().getScheduler().schedule(this::finish, MAX_MILLIS, TimeUnit.MILLISECONDS);
		drain();
	}

	@Override
	public void failed(Throwable x) {
		if (finished.compareAndSet(false, true)) {
			done.failed(x);
		}
	}

	private void drain() {
		while (!finished.get()) {
			Content.Chunk chunk = request.read();
			if (chunk == null) {
				request.demand(this::drain);
				return;
			}
			drained += chunk.remaining();
			chunk.release();
			if (chunk.isLast() || Content.Chunk.isFailure(chunk) || drained > MAX_BYTES) {
				finish();
				return;
			}
		}
	}

	private void finish() {
		if (finished.compareAndSet(false, true)) {
			done.succeeded();
		}
	}

	@Override
	public InvocationType getInvocationType() {
		return InvocationType.NON_BLOCKING;
	}
}
