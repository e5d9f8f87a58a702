package dev.amk.access;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.MutableClock;
import dev.amk.testing.StreamingUpstream;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes made with the CLI, a separate writer of the database, reach the running broker without a restart,
 * within the contract's 100 ms; keys die on rotation, deletion and expiry; one agent's fate never touches
 * another's.
 */
class RevocationTest {
	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
	StreamingUpstream upstream;
	BrokerFixture broker;
	String key;
	String bystander;

	@BeforeEach
	void start() throws Exception {
		upstream = new StreamingUpstream().script(1, Duration.ZERO);
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(10), Duration.ofSeconds(10));
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-revocation-secret");
		key = broker.createAgent("coder", "openai");
		bystander = broker.createAgent("bystander", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	private HttpResponse<String> call(String agentKey) {
		return broker.get("/openai/v1/models", "Authorization", "Bearer " + agentKey);
	}

	@Test
	@DisplayName("'amk agent revoke' takes effect in the running broker within 100 ms of the command's exit; enable restores")
	void revokeAndEnable() {
		assertEquals(200, call(key).statusCode());

		assertEquals(0, broker.cli("agent", "revoke", "coder").exit());
		long exited = System.nanoTime();
		HttpResponse<String> refused = call(key);
		long tookMs = (System.nanoTime() - exited) / 1_000_000;

		assertEquals(401, refused.statusCode(), "the first request after the command's exit is refused");
		assertEquals("revoked_key", errorType(refused));
		assertTrue(tookMs <= 100, "refused " + tookMs + " ms after the CLI exited");
		assertEquals(200, call(bystander).statusCode(), "revoking one agent leaves the others alone");

		assertEquals(0, broker.cli("agent", "enable", "coder").exit());
		assertEquals(200, call(key).statusCode(), "enable restores the same key at once");
	}

	@Test
	@DisplayName("an idle broker still hears of changes by itself (for running streams and the UI) within a second")
	void watcherNoticesChangesWhileIdle() throws Exception {
		CompletableFuture<Long> seen = new CompletableFuture<>();
		broker.broker.registry().addListener(s -> s.agents().stream()
				.filter(a -> a.agent().name().equals("coder") && a.agent().revokedAt() != null)
				.findAny().ifPresent(a -> seen.complete(System.nanoTime())));

		assertEquals(0, broker.cli("agent", "revoke", "coder").exit());
		long exited = System.nanoTime();

		long tookMs = (seen.get(5, TimeUnit.SECONDS) - exited) / 1_000_000;
		assertTrue(tookMs <= 1000, "the watcher saw the revoke " + tookMs + " ms after the CLI exited");
	}

	@Test
	@DisplayName("rotation issues a new key for the same agent and kills the old one at once")
	void rotate() {
		var before = broker.cli("agent", "list", "--json");
		BrokerFixture.CliResult rotated = broker.cli("agent", "rotate", "coder", "--json");
		assertEquals(0, rotated.exit(), rotated.err());
		String newKey = (String) rotated.json().get("key");
		assertNotEquals(key, newKey);
		broker.awaitRegistry(s -> s.agentByKeyHash(dev.amk.agents.AgentKey.hash(newKey)) != null);

		assertEquals("unknown_key", errorType(call(key)));
		assertEquals(200, call(newKey).statusCode());
		assertEquals(200, call(bystander).statusCode());
		assertTrue(broker.cli("agent", "list", "--json").out().contains("\"name\" : \"coder\""), "same identity");
		assertNotEquals(before.out(), broker.cli("agent", "list", "--json").out());
	}

	@Test
	@DisplayName("a deleted agent's key stops working")
	void delete() {
		assertEquals(0, broker.cli("agent", "delete", "coder").exit());
		broker.awaitRegistry(s -> s.agents().stream().noneMatch(a -> a.agent().name().equals("coder")));
		assertEquals("unknown_key", errorType(call(key)));
		assertEquals(200, call(bystander).statusCode());
	}

	@Test
	@DisplayName("an expiring key works until its time and stops exactly then")
	void expiry() {
		BrokerFixture.CliResult created = broker.cli("agent", "create", "short-lived", "--grant", "openai", "--expires", "2h", "--json");
		String shortLived = (String) created.json().get("key");
		broker.awaitRegistry(s -> s.agentByKeyHash(dev.amk.agents.AgentKey.hash(shortLived)) != null);

		clock.advance(Duration.ofMinutes(119));
		assertEquals(200, call(shortLived).statusCode());
		clock.advance(Duration.ofMinutes(1));
		HttpResponse<String> expired = call(shortLived);
		assertEquals(401, expired.statusCode());
		assertEquals("expired_key", errorType(expired));
		assertEquals(200, call(key).statusCode(), "keys without expiry are unaffected");

		assertEquals(0, broker.cli("agent", "set-expiry", "short-lived", "1h").exit());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("short-lived")
				&& a.agent().expiresAt().isAfter(clock.instant())));
		assertEquals(200, call(shortLived).statusCode(), "a new expiry brings the same key back");
	}

	@Test
	@DisplayName("a stream in flight is cut when its key expires")
	void expiryCutsStream() throws Exception {
		BrokerFixture.CliResult created = broker.cli("agent", "create", "short-lived", "--grant", "openai", "--expires", "1h", "--json");
		String shortLived = (String) created.json().get("key");
		broker.awaitRegistry(s -> s.agentByKeyHash(dev.amk.agents.AgentKey.hash(shortLived)) != null);
		upstream.script(-1, Duration.ofMillis(50));
		HttpResponse<InputStream> response = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + shortLived).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		InputStream body = response.body();
		assertTrue(body.read() != -1);

		clock.advance(Duration.ofHours(1));

		CompletableFuture.runAsync(() -> drain(body)).get(5, TimeUnit.SECONDS);
		assertTrue(upstream.clientGone.await(5, TimeUnit.SECONDS));
	}

	@Test
	@DisplayName("narrowing an agent's grants cuts its running request when the new grant no longer covers it")
	void narrowedGrantCutsStream() throws Exception {
		upstream.script(-1, Duration.ofMillis(50));
		HttpResponse<InputStream> response = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		InputStream body = response.body();
		assertTrue(body.read() != -1);

		assertEquals(0, broker.cli("agent", "set-grants", "coder", "--grant", "openai:read").exit());

		CompletableFuture.runAsync(() -> drain(body)).get(5, TimeUnit.SECONDS);
		assertTrue(upstream.clientGone.await(5, TimeUnit.SECONDS));
	}

	private static void drain(InputStream in) {
		byte[] buf = new byte[1024];
		try {
			while (in.read(buf) != -1) {
				// discard
			}
		} catch (IOException e) {
			// a cut stream
		}
	}
}
