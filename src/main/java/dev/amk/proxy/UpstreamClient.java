package dev.amk.proxy;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.ConnectionListener;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The one OkHttp client the proxy forwards with. */
final class UpstreamClient {
	private UpstreamClient() {
	}

	static OkHttpClient create(ProxySettings settings) {
		return create(settings, Thread.ofVirtual().name("amk-upstream-task-", 0).factory());
	}

	/** @param taskThreads where OkHttp's background tasks run (pool clean-up, fast fallback's connects): virtual threads */
	static OkHttpClient create(ProxySettings settings, java.util.concurrent.ThreadFactory taskThreads) {
		OkHttpClient.Builder builder = new OkHttpClient.Builder()
				// A redirect could carry the injected credential to another host (OkHttp strips Authorization
				// across hosts, but not x-api-key and friends): hand every 3xx back to the agent untouched.
				.followRedirects(false)
				.followSslRedirects(false)
				.connectTimeout(settings.connectTimeout())
				// No read/write/call timeouts here: InFlightRequests enforces them far more cheaply.
				.readTimeout(Duration.ZERO)
				.writeTimeout(Duration.ZERO)
				.callTimeout(Duration.ZERO)
				.socketFactory(new NoDelaySocketFactory());
		/*
		 * OkHttp's background tasks (HTTP/2 readers, fast fallback's connects, the pool's clean-up) run on virtual threads,
		 * the scheduler the request threads already use, instead of OkHttp's own platform threads: waking one of those cost
		 * a futex and a context switch on the core the requests share. The pool's clean-up, which every connection handed
		 * back to the pool asks for at once, gets a runner of its own that holds those requests back to about one a second
		 * (PoolHousekeeping); what a request waits for stays on the prompt runner. Figures: docs/benchmarks.md. OkHttp
		 * offers this only through its internal TaskRunner (stable across 5.x; the version is pinned in pom.xml), so it is
		 * done here, in one place.
		 */
		TaskRunner tasks = new TaskRunner(new TaskRunner.RealBackend(taskThreads), java.util.logging.Logger.getLogger(TaskRunner.class.getName()));
		TaskRunner poolTasks = PoolHousekeeping.taskRunner(taskThreads);
		builder.taskRunner$okhttp(tasks).connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES, poolTasks, ConnectionListener.Companion.getNONE()));
		return settings.upstreamTuning().apply(builder).build();
	}

	/**
	 * OkHttp leaves Nagle's algorithm on; with a request body written in pieces, the last small piece then
	 * waits for the upstream's delayed ACK (~40 ms). Streaming wants every chunk on the wire at once.
	 */
	static final class NoDelaySocketFactory extends SocketFactory {
		private final SocketFactory delegate = SocketFactory.getDefault();

		@Override
		public Socket createSocket() throws IOException {
			return noDelay(delegate.createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return noDelay(delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return noDelay(delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return noDelay(delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
			return noDelay(delegate.createSocket(address, port, localAddress, localPort));
		}

		private static Socket noDelay(Socket socket) throws IOException {
			socket.setTcpNoDelay(true);
			return socket;
		}
	}
}
