package dev.amk.proxy;

import com.sun.net.httpserver.HttpServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamClientTest {
	/**
	 * A connection handed back to the pool schedules OkHttp's clean-up task at once; it must run on the thread factory
	 * the broker gives (virtual threads), not on OkHttp's own platform threads: one wake of a platform thread per request
	 * cost a fifth of the broker's CPU per request (docs/benchmarks.md).
	 */
	@Test
	@DisplayName("OkHttp's pool clean-up after a request runs on the broker's task threads, and they are virtual")
	void poolTasksRunOnTheGivenThreads() throws Exception {
		HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		upstream.createContext("/", exchange -> {
			byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		upstream.start();
		List<Thread> made = new CopyOnWriteArrayList<>();
		CountDownLatch taskThreadStarted = new CountDownLatch(1);
		ThreadFactory virtual = Thread.ofVirtual().name("test-upstream-task-", 0).factory();
		ThreadFactory watched = task -> {
			Thread t = virtual.newThread(() -> {
				taskThreadStarted.countDown();
				task.run();
			});
			made.add(t);
			return t;
		};
		try {
			OkHttpClient client = UpstreamClient.create(ProxySettings.defaults(0), watched);
			try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + upstream.getAddress().getPort() + "/").build()).execute()) {
				assertEquals("ok", r.body().string());
			}
			assertTrue(taskThreadStarted.await(10, TimeUnit.SECONDS), "no OkHttp task ran on the given threads");
			assertTrue(made.stream().allMatch(Thread::isVirtual), made.toString());
			client.connectionPool().evictAll();
		} finally {
			upstream.stop(0);
		}
	}
}
