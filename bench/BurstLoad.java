import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The burst benchmark's two ends (bench/burst.sh):
 * <ul>
 * <li>{@code upstream PORTFILE}: a server-sent-events upstream on loopback. {@code GET /v1/stream?hold=MS} answers at
 * once with a first event (the "first token"), then one event every 100 ms until MS have passed, then
 * {@code data: [DONE]}.</li>
 * <li>{@code load URL AUTHORIZATIONS STREAMS HOLD_MS}: (AUTHORIZATIONS: comma-separated, taken in turn, so that the streams
 * belong to several agents and no agent's own cap on concurrent requests is what is measured; empty for none) opens STREAMS new connections at the same moment (raw sockets,
 * one virtual thread each, released together by a latch), each asking for one stream; measures each stream's time to
 * first event from its connect; once half the streams have their first event, opens five more, 100 ms apart (the
 * probes: what a new request waits while the others run; from the half-way mark they land, on every path, while the
 * first half stream and the rest are still being set up, whereas "once every stream has its first event" came, on a
 * slow path, after the first streams had ended; five, because one request's wait swung 10x between runs); then waits
 * for every stream to end. Prints one line:
 * {@code streams=N completed=N ttft_p50_ms=… ttft_max_ms=… probe_ttft_ms=… probe_max_ms=… failures=N} (probe_ttft_ms: the
 * probes' median).</li>
 * <li>{@code warm URL AUTHORIZATIONS SECONDS CONCURRENCY}: CONCURRENCY virtual threads open short streams ({@code hold=0})
 * one after another for SECONDS, so that the JIT has compiled the request path before anything is measured, as in a
 * broker that has been serving for a while. Prints {@code warm_requests=N}.</li>
 * </ul>
 * Raw sockets rather than an HTTP client: the client's own connection pool and limits must not be what is measured.
 */
public class BurstLoad {
	/** New requests sent from the burst's half-way mark, and how far apart. */
	static final int PROBES = 5;
	static final long PROBE_SPACING_MS = 100;

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "upstream" -> upstream(Path.of(args[1]));
			case "load" -> load(URI.create(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
			case "warm" -> warm(URI.create(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
			default -> throw new IllegalArgumentException("upstream PORTFILE | load URL AUTHORIZATION STREAMS HOLD_MS | warm URL AUTHORIZATION SECONDS CONCURRENCY");
		}
	}

	static void upstream(Path portFile) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", exchange -> {
			String query = exchange.getRequestURI().getQuery();
			long hold = query != null && query.startsWith("hold=") ? Long.parseLong(query.substring(5)) : 1000;
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream out = exchange.getResponseBody()) {
				long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hold);
				int n = 0;
				do {
					out.write(("data: {\"token\":" + n++ + "}\n\n").getBytes(StandardCharsets.US_ASCII));
					out.flush();
					Thread.sleep(100); // the upstream's own pace, as a model's tokens come
				} while (System.nanoTime() < end);
				out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		server.start();
		Files.writeString(portFile, Integer.toString(server.getAddress().getPort()));
	}

	record Stream(long ttftNanos, boolean completed) {
	}

	static void load(URI url, String authorizations, int streams, int holdMs) throws Exception {
		String[] auth = authorizations.split(",");
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch halfFirst = new CountDownLatch(Math.max(1, streams / 2));
		AtomicInteger failures = new AtomicInteger();
		List<Thread> threads = new ArrayList<>();
		long[] ttft = new long[streams];
		boolean[] completed = new boolean[streams];
		for (int i = 0; i < streams; i++) {
			int n = i;
			threads.add(Thread.ofVirtual().start(() -> {
				try {
					go.await();
					Stream s = stream(url, auth[n % auth.length], holdMs, halfFirst);
					ttft[n] = s.ttftNanos();
					completed[n] = s.completed();
				} catch (Exception e) {
					failures.incrementAndGet();
					ttft[n] = -1;
					halfFirst.countDown();
				}
			}));
		}
		go.countDown();
		halfFirst.await(120, TimeUnit.SECONDS);
		long[] probes = new long[PROBES];
		List<Thread> probing = new ArrayList<>();
		for (int i = 0; i < PROBES; i++) {
			int n = i;
			probing.add(Thread.ofVirtual().start(() -> {
				try {
					Thread.sleep(n * PROBE_SPACING_MS);
					probes[n] = stream(url, auth[n % auth.length], 100, null).ttftNanos();
				} catch (Exception e) {
					probes[n] = -1; // sorts first: the max printed is then -1
					failures.incrementAndGet();
				}
			}));
		}
		for (Thread t : probing) {
			t.join();
		}
		Arrays.sort(probes);
		for (Thread t : threads) {
			t.join(TimeUnit.SECONDS.toMillis(120) + holdMs);
		}
		long[] ok = Arrays.stream(ttft).filter(t -> t > 0).sorted().toArray();
		int done = 0;
		for (boolean c : completed) {
			done += c ? 1 : 0;
		}
		System.out.printf("streams=%d completed=%d ttft_p50_ms=%.2f ttft_max_ms=%.2f probe_ttft_ms=%.2f probe_max_ms=%.2f failures=%d%n", streams,
				done, ok.length == 0 ? -1 : ok[ok.length / 2] / 1e6, ok.length == 0 ? -1 : ok[ok.length - 1] / 1e6, probes[PROBES / 2] / 1e6,
				probes[0] < 0 ? -1 : probes[PROBES - 1] / 1e6, failures.get());
	}

	static void warm(URI url, String authorizations, int seconds, int concurrency) throws InterruptedException {
		String[] auth = authorizations.split(",");
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		AtomicInteger requests = new AtomicInteger();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			int n = i;
			threads.add(Thread.ofVirtual().start(() -> {
				for (int k = n; System.nanoTime() < end; k += concurrency) {
					try {
						stream(url, auth[k % auth.length], 0, null);
						requests.incrementAndGet();
					} catch (IOException e) {
						throw new java.io.UncheckedIOException(e);
					}
				}
			}));
		}
		for (Thread t : threads) {
			t.join();
		}
		System.out.printf("warm_requests=%d%n", requests.get());
	}

	/** One stream on a new connection: its time to first event from the connect, and whether it ended with [DONE]. */
	static Stream stream(URI url, String authorization, int holdMs, CountDownLatch firstSeen) throws IOException {
		long start = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.setSoTimeout(120_000);
			socket.connect(new InetSocketAddress(url.getHost(), url.getPort()));
			String request = "GET " + url.getRawPath() + "?hold=" + holdMs + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
					+ "\r\n" + (authorization.isEmpty() ? "" : "Authorization: " + authorization + "\r\n") + "Accept: text/event-stream\r\n"
					+ "Connection: close\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			StringBuilder seen = new StringBuilder();
			long first = 0;
			for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
				seen.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
				if (first == 0 && seen.indexOf("data: ") >= 0) {
					first = System.nanoTime() - start;
					if (firstSeen != null) {
						firstSeen.countDown();
					}
				}
				if (seen.length() > 4096) {
					seen.delete(0, seen.length() - 64);
				}
			}
			if (first == 0) {
				throw new IOException("no event: " + seen);
			}
			return new Stream(first, seen.indexOf("[DONE]") >= 0);
		}
	}
}
