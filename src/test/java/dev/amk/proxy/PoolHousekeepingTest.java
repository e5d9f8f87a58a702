package dev.amk.proxy;

import com.sun.net.httpserver.HttpServer;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.ConnectionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OkHttp's real connection pool and client against a loopback HTTP server, with the pool's clean-up on {@link PoolHousekeeping}. */
class PoolHousekeepingTest {
	private static final int REQUESTS = 200;
	private HttpServer upstream;

	@BeforeEach
	void startUpstream() throws IOException {
		upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		upstream.createContext("/", exchange -> {
			byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		upstream.start();
	}

	@AfterEach
	void stopUpstream() {
		upstream.stop(0);
	}

	/** OkHttp's own backend, counting the notifications that reach it (each one wakes the coordinator thread). */
	private static final class CountingBackend implements TaskRunner.Backend {
		final TaskRunner.Backend real = new TaskRunner.RealBackend(Thread.ofVirtual().factory());
		final AtomicInteger notified = new AtomicInteger();

		@Override
		public void coordinatorNotify(TaskRunner taskRunner) {
			notified.incrementAndGet();
			real.coordinatorNotify(taskRunner);
		}

		@Override
		public void coordinatorWait(TaskRunner taskRunner, long nanos) {
			real.coordinatorWait(taskRunner, nanos);
		}

		@Override
		public long nanoTime() {
			return real.nanoTime();
		}

		@Override
		public <T> BlockingQueue<T> decorate(BlockingQueue<T> queue) {
			return real.decorate(queue);
		}

		@Override
		public void execute(TaskRunner taskRunner, Runnable runnable) {
			real.execute(taskRunner, runnable);
		}
	}

	/** Counts {@code closed} down when the pool closes a connection. */
	private static ConnectionListener countingClosed(CountDownLatch closed) {
		return new ConnectionListener() {
			@Override
			public void connectionClosed(Connection connection) {
				closed.countDown();
			}
		};
	}

	private void sendSequentially(ConnectionPool pool) throws IOException {
		OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();
		for (int i = 0; i < REQUESTS; i++) {
			try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + upstream.getAddress().getPort() + "/").build()).execute()) {
				assertEquals("ok", r.body().string());
			}
		}
	}

	@Test
	@DisplayName("requests one after another: OkHttp's own backend wakes the pool's coordinator per request, PoolHousekeeping about once a second")
	void notificationsAreCoalesced() throws IOException {
		CountingBackend plain = new CountingBackend();
		ConnectionPool plainPool = new ConnectionPool(5, 5, TimeUnit.MINUTES, new TaskRunner(plain, java.util.logging.Logger.getAnonymousLogger()),
				ConnectionListener.Companion.getNONE());
		sendSequentially(plainPool);
		plainPool.evictAll();
		// The reason the class exists: if OkHttp ever stops doing this, PoolHousekeeping can go. Not one per request on a
		// busy machine: a connection handed back while the clean-up is still due changes nothing (22 of 50 were seen in CI).
		assertTrue(plain.notified.get() >= REQUESTS / 10, "OkHttp's backend was notified " + plain.notified.get() + " times for " + REQUESTS + " requests");

		CountingBackend counted = new CountingBackend();
		ConnectionPool pool = new ConnectionPool(5, 5, TimeUnit.MINUTES, PoolHousekeeping.taskRunner(counted), ConnectionListener.Companion.getNONE());
		long start = System.nanoTime();
		sendSequentially(pool);
		long lags = (System.nanoTime() - start) / PoolHousekeeping.LAG;
		pool.evictAll();
		assertTrue(counted.notified.get() <= 2 + lags, counted.notified.get() + " notifications for " + REQUESTS + " requests in " + lags + " s");
	}

	@Test
	@DisplayName("the clean-up still runs: a connection idle past its keep-alive is closed though the notifications were held back")
	void idleConnectionsAreStillClosed() throws Exception {
		CountDownLatch closed = new CountDownLatch(1);
		ConnectionListener listener = countingClosed(closed);
		// Two seconds: long enough that a busy machine does not close it between two of the requests, short enough to wait for.
		ConnectionPool pool = new ConnectionPool(5, 2, TimeUnit.SECONDS, PoolHousekeeping.taskRunner(new CountingBackend()), listener);
		sendSequentially(pool);
		assertEquals(1, pool.connectionCount(), "the requests shared one kept-alive connection");
		assertTrue(closed.await(10, TimeUnit.SECONDS), "the idle connection was never closed");
		assertEquals(0, pool.connectionCount());
	}

	@Test
	@DisplayName("a pool over its size is trimmed within about a second, though the keep-alive is minutes and the wake-ups were held back")
	void aPoolOverItsSizeIsTrimmed() throws Exception {
		CountDownLatch closed = new CountDownLatch(1);
		ConnectionListener listener = countingClosed(closed);
		ConnectionPool pool = new ConnectionPool(1, 5, TimeUnit.MINUTES, PoolHousekeeping.taskRunner(new CountingBackend()), listener);
		OkHttpClient client = new OkHttpClient.Builder().connectionPool(pool).build();
		Request request = new Request.Builder().url("http://127.0.0.1:" + upstream.getAddress().getPort() + "/").build();
		// Two answers open at once need two connections; handed back together, one is over the pool's size of one.
		try (Response first = client.newCall(request).execute(); Response second = client.newCall(request).execute()) {
			assertEquals(2, pool.connectionCount());
			assertEquals("ok", first.body().string());
			assertEquals("ok", second.body().string());
		}
		// OkHttp's coordinator, told of nothing, would sleep until the five-minute keep-alive: the capped wait ends it.
		assertTrue(closed.await(10, TimeUnit.SECONDS), "the connection over the pool's size was never closed");
		assertEquals(1, pool.connectionCount());
	}
}
