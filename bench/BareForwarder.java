import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okio.BufferedSource;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The floor the broker is measured against (benchmark only, not part of the product): Jetty 12 core and
 * OkHttp on virtual threads, forwarding every request to one upstream with a fixed header injected, with
 * no key check, policy, masking, in-flight tracking or audit. Whatever the broker costs above this is its
 * own work.
 *
 * <p>Run: {@code java -cp 'target/lib/*' bench/BareForwarder.java UPSTREAM_BASE_URL AUTHORIZATION_VALUE};
 * prints {@code ready PORT} once listening on 127.0.0.1.
 */
public class BareForwarder {
	private static final Set<String> HOP = Set.of("connection", "keep-alive", "transfer-encoding", "host", "content-length",
			"authorization", "upgrade", "te", "trailer", "proxy-authorization");

	public static void main(String[] args) throws Exception {
		String base = args[0].replaceAll("/+$", "");
		String auth = args[1];
		// As the broker: its pool size and listen backlog, and OkHttp retrying a pooled connection the upstream had closed.
		OkHttpClient client = new OkHttpClient.Builder().followRedirects(false)
				.connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES)).build();
		QueuedThreadPool threads = new QueuedThreadPool();
		// As the broker: a virtual thread per task, unbounded (Jetty's VirtualThreadPool admits 200 at once, and a burst of
		// 2,000 streams through it then comes in waves of 200).
		threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()));
		Server server = new Server(threads);
		ServerConnector connector = new ServerConnector(server);
		connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
		connector.setPort(0);
		connector.setAcceptQueueSize(4096);
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) throws Exception {
				okhttp3.Request.Builder up = new okhttp3.Request.Builder().url(base + request.getHttpURI().getPathQuery());
				for (HttpField f : request.getHeaders()) {
					if (!HOP.contains(f.getLowerCaseName())) {
						up.addHeader(f.getName(), f.getValue());
					}
				}
				up.header("Authorization", auth);
				long length = request.getLength();
				RequestBody body = length > 0 ? RequestBody.create(Request.asInputStream(request).readNBytes((int) length)) : null;
				up.method(request.getMethod(), body);
				try (okhttp3.Response answer = client.newCall(up.build()).execute()) {
					response.setStatus(answer.code());
					answer.headers().forEach(h -> {
						if (!HOP.contains(h.getFirst().toLowerCase())) {
							response.getHeaders().add(h.getFirst(), h.getSecond());
						}
					});
					BufferedSource source = answer.body().source();
					okio.Buffer buffer = new okio.Buffer();
					while (source.read(buffer, 16 * 1024) != -1) {
						try (Blocker.Callback blocker = Blocker.callback()) {
							response.write(false, ByteBuffer.wrap(buffer.readByteArray()), blocker);
							blocker.block();
						}
					}
				}
				response.write(true, BufferUtil.EMPTY_BUFFER, callback);
				return true;
			}
		});
		server.start();
		System.out.println("ready " + connector.getLocalPort());
		System.out.flush();
		server.join();
	}
}
