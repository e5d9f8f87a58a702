package dev.amk.testing;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback upstream that streams server-sent events the way an LLM API does: one event at a time,
 * each flushed on its own, with pauses between them. It records when each event left, and notices
 * when the other side hangs up.
 */
public final class StreamingUpstream implements AutoCloseable {
	private final Server server = new Server();
	private final ServerConnector connector;
	private volatile int events = 5;
	private volatile Duration spacing = Duration.ofMillis(100);
	public final List<Long> sentNanos = new CopyOnWriteArrayList<>();
	public final List<String> authorizationSeen = new CopyOnWriteArrayList<>();
	public volatile CountDownLatch firstEventSent = new CountDownLatch(1);
	public volatile CountDownLatch clientGone = new CountDownLatch(1);

	public StreamingUpstream() throws Exception {
		connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				authorizationSeen.add(String.valueOf(request.getHeaders().get("Authorization")));
				response.setStatus(200);
				response.getHeaders().put("Content-Type", "text/event-stream");
				response.getHeaders().put("Cache-Control", "no-cache");
				try {
					for (int i = 0; events < 0 || i < events; i++) {
						if (i > 0) {
							LockSupport.parkNanos(spacing.toNanos()); // the upstream's own pacing, not test synchronisation
						}
						String event = "data: {\"delta\":" + i + "}\n\n";
						try (Blocker.Callback cb = Blocker.callback()) {
							response.write(false, ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)), cb);
							cb.block();
						}
						sentNanos.add(System.nanoTime());
						firstEventSent.countDown();
					}
					response.write(true, BufferUtil.EMPTY_BUFFER, callback);
				} catch (IOException e) {
					clientGone.countDown();
					callback.failed(e);
				}
				return true;
			}
		});
		server.start();
	}

	/** {@code count} events, {@code spacing} apart; a negative count streams until the client leaves. */
	public StreamingUpstream script(int count, Duration gap) {
		this.events = count;
		this.spacing = gap;
		sentNanos.clear();
		firstEventSent = new CountDownLatch(1);
		clientGone = new CountDownLatch(1);
		return this;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + connector.getLocalPort();
	}

	@Override
	public void close() throws Exception {
		server.stop();
	}
}
