package dev.amk.testing;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback upstream answering like an LLM API with a recorded answer (a test resource): a JSON body in one piece, or
 * server-sent events one event at a time, each flushed on its own. It can hold the last event back until the test
 * releases it, to show what the agent had before the upstream finished. Records each request's path and body.
 */
public final class LlmUpstream implements AutoCloseable {
	public record Seen(String method, String path, String body) {
	}

	private final Server server = new Server();
	private final ServerConnector connector;
	public final List<Seen> requests = new CopyOnWriteArrayList<>();
	private volatile String contentType = "application/json";
	private volatile List<byte[]> pieces = List.of();
	private volatile CountDownLatch holdLast;
	/** Counted down once the events before the held-back last one are flushed. */
	public volatile CountDownLatch allButLastSent = new CountDownLatch(1);
	/** Counted down as each request arrives. */
	public volatile CountDownLatch arrived = new CountDownLatch(1);

	public LlmUpstream() throws Exception {
		connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) throws Exception {
				String body = Content.Source.asString(request, StandardCharsets.UTF_8);
				requests.add(new Seen(request.getMethod(), request.getHttpURI().getPath(), body));
				arrived.countDown();
				response.setStatus(200);
				response.getHeaders().put("Content-Type", contentType);
				List<byte[]> toSend = pieces;
				CountDownLatch hold = holdLast;
				try {
					for (int i = 0; i < toSend.size(); i++) {
						if (i == toSend.size() - 1) {
							allButLastSent.countDown();
							if (hold != null && !hold.await(10, TimeUnit.SECONDS)) {
								throw new IOException("never released");
							}
						}
						try (Blocker.Callback cb = Blocker.callback()) {
							response.write(false, ByteBuffer.wrap(toSend.get(i)), cb);
							cb.block();
						}
					}
					response.write(true, BufferUtil.EMPTY_BUFFER, callback);
				} catch (IOException | InterruptedException e) {
					callback.failed(e);
				}
				return true;
			}
		});
		server.start();
	}

	/** Answers with the resource {@code name} (next to {@code dev/amk/limits}): SSE when it ends in {@code .sse}, one event a piece. */
	public LlmUpstream answer(String name) {
		String text = resource(name);
		if (name.endsWith(".sse")) {
			contentType = "text/event-stream";
			List<byte[]> events = new ArrayList<>();
			for (String event : text.split("(?<=\n\n)")) {
				events.add(event.getBytes(StandardCharsets.UTF_8));
			}
			pieces = events;
		} else {
			contentType = "application/json";
			pieces = List.of(text.getBytes(StandardCharsets.UTF_8));
		}
		holdLast = null;
		allButLastSent = new CountDownLatch(1);
		arrived = new CountDownLatch(1);
		return this;
	}

	/** Holds the last piece back until {@code release} is counted down. */
	public LlmUpstream holdingLastUntil(CountDownLatch release) {
		holdLast = release;
		return this;
	}

	public static String resource(String name) {
		try (InputStream in = LlmUpstream.class.getResourceAsStream("/dev/amk/limits/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("no test resource " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + connector.getLocalPort();
	}

	@Override
	public void close() throws Exception {
		server.stop();
	}
}
