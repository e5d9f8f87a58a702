import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of bench/soak.sh: TOTAL requests from two agents (A and B) through the broker, CONCURRENCY at a time
 * per agent, and the events the script acts on, written to stdout one per line:
 * {@code REVOKE} / {@code ENABLE} (agent B) every TOGGLE_EVERY requests issued, {@code CRASH} once at request
 * CRASH_AT. The script answers on stdin with {@code ACK REVOKE}, {@code ACK ENABLE} and {@code RESTARTED} once
 * the command has completed.
 *
 * <p>Every outcome is counted by what it means:
 * <ul>
 * <li>200: served;
 * <li>401 {@code revoked_key} for B from its REVOKE until {@value #GRACE_MS} ms after its ENABLE was acknowledged:
 *     an expected refusal; anywhere else an error;
 * <li>200 for B later than {@value #GRACE_MS} ms after a REVOKE was acknowledged and before the next ENABLE:
 *     served while revoked, an error (the worst kind);
 * <li>connection refused, or a connection broken, between CRASH and {@value #GRACE_MS} ms after RESTARTED: expected
 *     (counted apart); anywhere else an error;
 * <li>anything else: an error, with the first few described.
 * </ul>
 * Ends with {@code RESULT name value} lines and exit status 0; the script judges. JDK only.
 *
 * <p>Run: {@code java bench/SoakLoad.java URL KEY_A KEY_B TOTAL CONCURRENCY TOGGLE_EVERY CRASH_AT [MAX_SECONDS]}; past
 * MAX_SECONDS no new request is started, and {@code RESULT requests} says how many were sent.
 */
public class SoakLoad {
	static final long GRACE_MS = 2_000;

	static final LongAdder served = new LongAdder();
	static final LongAdder revokedRefusals = new LongAdder();
	static final LongAdder refusedInCrash = new LongAdder();
	static final LongAdder brokenInCrash = new LongAdder();
	static final LongAdder servedWhileRevoked = new LongAdder();
	static final LongAdder errors = new LongAdder();
	/** Errors with no answer (refused or cut outside the restart window): with {@link #answered} they add up to TOTAL. */
	static final LongAdder unanswered = new LongAdder();
	static final LongAdder answered = new LongAdder();
	static final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
	static final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

	// Agent B's state, as times in nanoTime: revoked from revokeSent; refusals stop being expected GRACE after enableAcked.
	static volatile boolean bRevoked;
	static volatile long bRevokeAcked = Long.MAX_VALUE;
	static volatile long bEnableAcked = Long.MIN_VALUE;
	// Acknowledgements come in the order of the events: an ACK REVOKE only counts when no ENABLE was sent after it.
	static final AtomicLong togglesSent = new AtomicLong();
	static long togglesAcked;
	// The crash window: from CRASH until GRACE after RESTARTED.
	static volatile long crashSent = Long.MAX_VALUE;
	static volatile long restartedAt = Long.MAX_VALUE;

	public static void main(String[] args) throws Exception {
		URI url = URI.create(args[0]);
		String keyA = args[1];
		String keyB = args[2];
		long total = Long.parseLong(args[3]);
		int concurrency = Integer.parseInt(args[4]);
		long toggleEvery = Long.parseLong(args[5]);
		long crashAt = Long.parseLong(args[6]);
		long deadline = System.nanoTime() + (args.length > 7 ? Long.parseLong(args[7]) : 3600) * 1_000_000_000L;
		AtomicLong sent = new AtomicLong();

		Thread acks = Thread.ofPlatform().daemon().start(SoakLoad::readAcknowledgements);
		AtomicLong issued = new AtomicLong();
		long started = System.nanoTime();
		CountDownLatch done = new CountDownLatch(2 * concurrency);
		for (String key : new String[] {keyA, keyB}) {
			boolean isB = key.equals(keyB);
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
			HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET().build();
			for (int w = 0; w < concurrency; w++) {
				Thread.ofVirtual().start(() -> {
					try {
						long n;
						while (System.nanoTime() < deadline && (n = issued.getAndIncrement()) < total) {
							sent.incrementAndGet();
							if (n > 0 && n % toggleEvery == 0) {
								boolean revoke = (n / toggleEvery) % 2 == 1;
								if (revoke) {
									bRevoked = true;
								} else {
									bRevokeAcked = Long.MAX_VALUE;
								}
								togglesSent.incrementAndGet();
								event(revoke ? "REVOKE" : "ENABLE");
							}
							if (n == crashAt) {
								crashSent = System.nanoTime();
								event("CRASH");
							}
							send(http, request, isB);
						}
					} finally {
						done.countDown();
					}
				});
			}
		}
		while (!done.await(10, TimeUnit.SECONDS)) {
			System.err.printf("progress: %d of %d issued, %.0f req/s%n", Math.min(issued.get(), total), total,
					issued.get() / ((System.nanoTime() - started) / 1e9));
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		event("DONE");
		result("seconds", String.format("%.1f", seconds));
		result("requests", Long.toString(sent.get()));
		result("stopped_by_deadline", Boolean.toString(sent.get() < total));
		result("requests_per_second", String.format("%.0f", sent.get() / seconds));
		result("answered", answered.toString());
		result("served", served.toString());
		result("revoked_refusals", revokedRefusals.toString());
		result("refused_during_restart", refusedInCrash.toString());
		result("broken_by_kill", brokenInCrash.toString());
		result("served_while_revoked", servedWhileRevoked.toString());
		result("errors", errors.toString());
		result("unanswered_errors", unanswered.toString());
		result("statuses", new TreeMap<>(statuses).toString());
		result("error_kinds", new TreeMap<>(errorKinds).toString());
		acks.interrupt();
	}

	static void send(HttpClient http, HttpRequest request, boolean isB) {
		long sent = System.nanoTime();
		HttpResponse<String> response;
		try {
			response = http.send(request, HttpResponse.BodyHandlers.ofString());
		} catch (ConnectException refused) {
			if (inCrashWindow(sent)) {
				refusedInCrash.increment();
				pause();
			} else {
				unanswered.increment();
				error("connection refused outside the restart window");
			}
			return;
		} catch (IOException broken) {
			if (inCrashWindow(sent)) {
				brokenInCrash.increment();
			} else {
				unanswered.increment();
				error(broken.getClass().getSimpleName() + ": " + broken.getMessage());
			}
			return;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return;
		}
		long received = System.nanoTime();
		answered.increment();
		int status = response.statusCode();
		boolean revokedKey = status == 401 && response.body().contains("revoked_key");
		statuses.computeIfAbsent(status + (revokedKey ? " revoked_key" : ""), s -> new LongAdder()).increment();
		if (status == 200) {
			served.increment();
			if (isB && bRevoked && sent - bRevokeAcked > GRACE_MS * 1_000_000) {
				servedWhileRevoked.increment();
			}
		} else if (revokedKey && isB && (bRevoked || received - bEnableAcked < GRACE_MS * 1_000_000)) {
			revokedRefusals.increment();
		} else {
			error("HTTP " + status + (isB ? " for B" : " for A") + ": " + response.body().strip());
		}
	}

	static boolean inCrashWindow(long at) {
		return at >= crashSent && (restartedAt == Long.MAX_VALUE || at - restartedAt < GRACE_MS * 1_000_000);
	}

	static void readAcknowledgements() {
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
			String line;
			while ((line = in.readLine()) != null) {
				switch (line.strip()) {
					case "ACK REVOKE" -> {
						if (++togglesAcked == togglesSent.get()) {
							bRevokeAcked = System.nanoTime();
						}
					}
					case "ACK ENABLE" -> {
						bEnableAcked = System.nanoTime();
						if (++togglesAcked == togglesSent.get()) {
							bRevoked = false;
						}
					}
					case "RESTARTED" -> restartedAt = System.nanoTime();
					default -> System.err.println("unknown acknowledgement: " + line);
				}
			}
		} catch (IOException e) {
			System.err.println("stdin: " + e.getMessage());
		}
	}

	/** A refused connect returns at once: without a pause the restart window would use up the request budget. */
	static void pause() {
		try {
			Thread.sleep(20);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	static void error(String kind) {
		errors.increment();
		String shortKind = kind.length() > 160 ? kind.substring(0, 160) + "…" : kind;
		errorKinds.computeIfAbsent(shortKind, k -> new LongAdder()).increment();
	}

	static synchronized void event(String line) {
		System.out.println(line);
		System.out.flush();
	}

	static synchronized void result(String name, String value) {
		System.out.println("RESULT " + name + " " + value);
		System.out.flush();
	}
}
