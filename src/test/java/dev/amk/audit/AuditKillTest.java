package dev.amk.audit;

import dev.amk.common.Json;
import dev.amk.testing.NeedsKeychain;
import dev.amk.testing.TestKeychain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk serve} as a process, killed with SIGKILL under load: every request whose answer the client
 * received has its row in audit.db once the log is opened again (the row is journaled before the answer's last byte
 * leaves, and opening the log commits what the journal holds).
 */
class AuditKillTest {
	@TempDir
	Path home;

	Process serve;

	@AfterEach
	void stop() {
		if (serve != null && serve.isAlive()) {
			serve.destroyForcibly();
		}
	}

	private int startServe() throws Exception {
		List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
				"-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main", "serve", "--port", "0", "--json");
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
		pb.environment().put("AMK_HOME", home.toString());
		pb.environment().put("AMK_KEYCHAIN_SERVICE", TestKeychain.uniqueService());
		serve = pb.start();
		BufferedReader reader = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
		String ready = CompletableFuture.supplyAsync(() -> {
			try {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					if (line.contains("\"ready\"")) {
						return line;
					}
				}
				throw new AssertionError("serve exited before it was ready");
			} catch (java.io.IOException e) {
				throw new AssertionError(e);
			}
		}).get(60, TimeUnit.SECONDS);
		Thread.ofVirtual().start(() -> reader.lines().forEach(l -> { }));
		return ((Number) Json.readObject(ready).get("port")).intValue();
	}

	@Test
	@NeedsKeychain // amk serve runs as a process: its connection's secret is in the real keychain
	@DisplayName("after kill -9 under load, every answered request has its audit row")
	void everyAnsweredRequestHasItsRow() throws Exception {
		int port = startServe();
		AtomicInteger answered = new AtomicInteger();
		CountDownLatch enough = new CountDownLatch(2000);
		List<Thread> clients = new ArrayList<>();
		for (int t = 0; t < 32; t++) {
			clients.add(Thread.ofVirtual().start(() -> {
				try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
					while (true) {
						// No key: refused with 401 invalid_key, which is audited like any request.
						HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openai/v1/models")).build(),
								HttpResponse.BodyHandlers.ofString());
						if (r.statusCode() != 401) {
							throw new AssertionError("unexpected " + r.statusCode());
						}
						answered.incrementAndGet();
						enough.countDown();
					}
				} catch (Exception e) {
					// the broker was killed
				}
			}));
		}
		assertTrue(enough.await(60, TimeUnit.SECONDS));
		serve.destroyForcibly(); // SIGKILL
		serve.waitFor(10, TimeUnit.SECONDS);
		for (Thread c : clients) {
			c.join(10_000);
		}
		int answeredCount = answered.get();
		// Opening the log (as the next broker or any `amk audit` does) commits what the killed broker had only journaled.
		new AuditStore(dev.amk.db.Database.openAudit(home));
		long rows;
		try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("audit.db"));
				ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM audit")) {
			rows = rs.getLong(1);
		}
		assertTrue(rows >= answeredCount, rows + " rows for " + answeredCount + " answered requests");
	}
}
