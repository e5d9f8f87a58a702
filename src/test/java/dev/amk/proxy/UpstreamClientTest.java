package dev.amk.proxy;

import com.sun.net.httpserver.HttpServer;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamClientTest {
	/**
	 * Each OkHttp task goes where it costs least: the pool's clean-up, asked for by every connection handed back, on the
	 * virtual threads the requests use (a platform thread's wake per request cost a fifth of a request's CPU); a new
	 * connection's connect, which its request waits for, on a platform thread (as a virtual thread it queued behind every
	 * runnable request in a burst). docs/benchmarks.md has the figures for both.
	 */
	@Test
	@DisplayName("a request's connect runs on the prompt threads, the pool's clean-up after it on the pool threads")
	void tasksRunWhereTheyAreSent() throws Exception {
		HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		upstream.createContext("/", exchange -> {
			byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		upstream.start();
		List<Thread> prompt = new CopyOnWriteArrayList<>();
		List<Thread> pool = new CopyOnWriteArrayList<>();
		CountDownLatch poolTaskRan = new CountDownLatch(1);
		AtomicReference<Thread> connecting = new AtomicReference<>();
		try {
			OkHttpClient client = UpstreamClient.create(ProxySettings.defaults(0), watched(UpstreamClient.PROMPT_THREADS, prompt, null),
					watched(UpstreamClient.POOL_THREADS, pool, poolTaskRan)).newBuilder().eventListener(new EventListener() {
						@Override
						public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
							connecting.set(Thread.currentThread());
						}
					}).build();
			try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + upstream.getAddress().getPort() + "/").build()).execute()) {
				assertEquals("ok", r.body().string());
			}
			assertTrue(prompt.contains(connecting.get()), "the connect ran on " + connecting.get() + ", not on a prompt thread " + prompt);
			assertTrue(poolTaskRan.await(10, TimeUnit.SECONDS), "the pool's clean-up never ran on the pool threads");
			assertFalse(pool.contains(connecting.get()));
			client.connectionPool().evictAll();
		} finally {
			upstream.stop(0);
		}
	}

	@Test
	@DisplayName("the prompt threads are platform threads, the pool threads virtual")
	void threadKinds() {
		assertFalse(UpstreamClient.PROMPT_THREADS.newThread(() -> { }).isVirtual());
		assertTrue(UpstreamClient.POOL_THREADS.newThread(() -> { }).isVirtual());
	}

	/** {@code real}, noting each thread it makes in {@code made}, and counting {@code ran} down when one starts (null: no latch). */
	private static ThreadFactory watched(ThreadFactory real, List<Thread> made, CountDownLatch ran) {
		return runnable -> {
			Thread t = real.newThread(() -> {
				if (ran != null) {
					ran.countDown();
				}
				runnable.run();
			});
			made.add(t);
			return t;
		};
	}
}
