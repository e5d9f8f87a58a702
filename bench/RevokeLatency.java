import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time from {@code amk agent revoke NAME} exiting until the running broker refuses the agent's key.
 *
 * <p>Each trial: {@code amk agent enable NAME}, wait until the key is accepted again, wait a random
 * 0–50 ms (so the trials fall at random points of the broker's registry poll), run
 * {@code amk agent revoke NAME} as a child process, note the instant it has exited, then send requests
 * with the key back to back until one gets HTTP 401. The delta is from the CLI's exit to the arrival of
 * that 401, so the CLI's own JVM start and shutdown are not counted.
 *
 * <p>Run: {@code java bench/RevokeLatency.java PROXY_URL AGENT_KEY AGENT_NAME TRIALS JAVA_COMMAND...}
 * where JAVA_COMMAND is how to start amk (e.g. {@code java -jar target/amk.jar}); the environment
 * (AMK_HOME, keyring) is passed on to it. Prints one line per trial and a last line
 * {@code revoke_latency_ms p50=… max=… n=… failures=…}. JDK only.
 */
public class RevokeLatency {
	public static void main(String[] args) throws Exception {
		if (args.length < 5) {
			System.err.println("usage: java bench/RevokeLatency.java PROXY_URL AGENT_KEY AGENT_NAME TRIALS AMK_COMMAND...");
			System.exit(2);
		}
		URI target = URI.create(args[0]);
		String key = args[1];
		String agent = args[2];
		int trials = Integer.parseInt(args[3]);
		List<String> amk = List.of(args).subList(4, args.length);

		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest request = HttpRequest.newBuilder(target).header("Authorization", "Bearer " + key)
				.timeout(Duration.ofSeconds(2)).GET().build();

		// Warm the client (and its connection) up before timing anything.
		for (int i = 0; i < 2_000; i++) {
			status(http, request);
		}

		List<Double> deltas = new ArrayList<>();
		int failures = 0;
		for (int t = 1; t <= trials; t++) {
			run(amk, "agent", "enable", agent);
			long acceptDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			int s;
			while ((s = status(http, request)) != 200 && System.nanoTime() < acceptDeadline) {
				Thread.sleep(1);
			}
			if (s != 200) {
				System.out.printf("trial %d: key not accepted again after enable (HTTP %d)%n", t, s);
				failures++;
				continue;
			}
			Thread.sleep(ThreadLocalRandom.current().nextInt(0, 51));

			run(amk, "agent", "revoke", agent);
			long exited = System.nanoTime();
			long deadline = exited + Duration.ofSeconds(5).toNanos();
			int requests = 0;
			int last;
			long refused;
			do {
				last = status(http, request);
				refused = System.nanoTime();
				requests++;
			} while (last != 401 && refused < deadline);
			if (last != 401) {
				System.out.printf("trial %d: key still not refused after 5 s (last HTTP %d)%n", t, last);
				failures++;
				continue;
			}
			double ms = (refused - exited) / 1e6;
			deltas.add(ms);
			System.out.printf("trial %d: refused %.2f ms after the CLI exited (%d request%s)%n", t, ms, requests, requests == 1 ? "" : "s");
		}
		// Leave the agent usable, as it was found.
		run(amk, "agent", "enable", agent);

		List<Double> sorted = deltas.stream().sorted().toList();
		int n = sorted.size();
		double p50 = n == 0 ? Double.NaN : (sorted.get((n - 1) / 2) + sorted.get(n / 2)) / 2;
		double max = sorted.isEmpty() ? Double.NaN : sorted.getLast();
		System.out.printf("revoke_latency_ms p50=%.2f max=%.2f n=%d failures=%d%n", p50, max, n, failures);
		System.exit(failures == 0 ? 0 : 1);
	}

	private static int status(HttpClient http, HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		} catch (Exception e) {
			return -1;
		}
	}

	private static void run(List<String> amk, String... args) throws Exception {
		List<String> command = new ArrayList<>(amk);
		command.addAll(List.of(args));
		Process p = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
		int rc = p.waitFor();
		if (rc != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + rc);
		}
	}
}
