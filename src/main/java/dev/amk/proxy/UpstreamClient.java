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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** The one OkHttp client the proxy forwards with. */
final class UpstreamClient {
	/** Where the OkHttp tasks a request waits for run: platform threads (why: {@link #create(ProxySettings, ThreadFactory, ThreadFactory)}). */
	static final ThreadFactory PROMPT_THREADS = Thread.ofPlatform().daemon().name("amk-upstream-", 0).factory();
	/** Where the pool's clean-up runs: virtual threads. */
	static final ThreadFactory POOL_THREADS = Thread.ofVirtual().name("amk-upstream-pool-", 0).factory();

	private UpstreamClient() {
	}

	static OkHttpClient create(ProxySettings settings) {
		return create(settings, PROMPT_THREADS, POOL_THREADS);
	}

	/**
	 * @param promptThreads where the OkHttp tasks a request waits for run (fast fallback's connects, HTTP/2 readers): platform threads
	 * @param poolThreads where the pool's clean-up runs: virtual threads
	 */
	static OkHttpClient create(ProxySettings settings, ThreadFactory promptThreads, ThreadFactory poolThreads) {
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
		 * Where OkHttp's background tasks run, through its internal TaskRunner (stable across 5.x; the version is pinned in
		 * pom.xml), so here, in one place. Figures for both choices: docs/benchmarks.md.
		 * - The pool's clean-up, which every connection handed back to the pool asks for at once, runs on virtual threads
		 *   and gets a runner of its own that holds those requests back to about one a second (PoolHousekeeping): on
		 *   OkHttp's platform threads each one cost a futex wake and a context switch per request.
		 * - What a request waits for (fast fallback's connects, HTTP/2 readers) stays on platform threads: as virtual
		 *   threads they queued behind every runnable request thread in the scheduler's first-in-first-out queue, so in
		 *   a burst of 2,000 new streams each stream's connect waited for nearly the whole burst (first event p50 4.1-5.2 s,
		 *   against 1.9-2.6 s with platform threads).
		 */
		TaskRunner tasks = new TaskRunner(new TaskRunner.RealBackend(promptThreads), java.util.logging.Logger.getLogger(TaskRunner.class.getName()));
		TaskRunner poolTasks = PoolHousekeeping.taskRunner(poolThreads);
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
