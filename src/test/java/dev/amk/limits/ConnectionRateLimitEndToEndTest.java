package dev.amk.limits;

import dev.amk.agents.ConnectionLimits;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.LlmUpstream;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.amk.limits.ControlsFixture.limit;
import static dev.amk.limits.ControlsFixture.post;
import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits of one agent on one connection ({@code amk agent limit NAME --connection CONN}), through the real proxy
 * against two loopback upstreams; time from a clock the test moves.
 */
class ConnectionRateLimitEndToEndTest {
	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
	LlmUpstream limited;
	LlmUpstream free;
	BrokerFixture broker;
	String key;

	@BeforeEach
	void start() throws Exception {
		limited = new LlmUpstream().answer("openai-chat.json");
		free = new LlmUpstream().answer("openai-chat.json");
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
		broker.addConnection("openai", "openai", limited.baseUrl(), "sk-real-secret");
		broker.addConnection("backup", "openai", free.baseUrl(), "sk-other-secret");
		key = broker.createAgent("looper", "openai", "backup");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, limited, free);
	}

	private HttpResponse<String> call(String connection) {
		return broker.get("/" + connection + "/v1/models", "Authorization", "Bearer " + key);
	}

	private static boolean onOpenAi(dev.amk.agents.AgentLimits l, java.util.function.Predicate<ConnectionLimits> seen) {
		return seen.test(l.connection("openai"));
	}

	@Test
	@DisplayName("--connection openai --rpm 3: three at once, then 429 naming the connection with an exact Retry-After; the other connection is not limited")
	void bucketEdgePerConnection() {
		limit(broker, "looper", l -> onOpenAi(l, c -> Integer.valueOf(3).equals(c.requestsPerMinute())), "--connection", "openai", "--rpm", "3");
		for (int i = 0; i < 3; i++) {
			assertEquals(200, call("openai").statusCode(), "request " + (i + 1) + " of a minute's worth");
		}
		HttpResponse<String> fourth = call("openai");
		assertEquals(429, fourth.statusCode());
		assertEquals("rate_limited", errorType(fourth));
		assertEquals("20", fourth.headers().firstValue("Retry-After").orElseThrow(), "one token every 20 s");
		assertTrue(fourth.body().contains("3 requests per minute on 'openai'"), fourth.body());
		assertTrue(fourth.body().contains("--connection openai --rpm N"), fourth.body());
		assertEquals(3, limited.requests.size(), "the refused request never reached the upstream");

		for (int i = 0; i < 10; i++) {
			assertEquals(200, call("backup").statusCode(), "the agent's other connection is not limited");
		}
		assertEquals(10, free.requests.size());

		clock.advance(Duration.ofSeconds(19));
		assertEquals("1", call("openai").headers().firstValue("Retry-After").orElseThrow());
		clock.advance(Duration.ofSeconds(1));
		assertEquals(200, call("openai").statusCode(), "exactly when Retry-After said");
		assertEquals(429, call("openai").statusCode(), "and only one token came back");

		String audit = broker.cli("audit", "--json", "--agent", "looper").out().replace(" ", "");
		assertTrue(audit.contains("\"reason\":\"rate_limited\""), audit);
	}

	@Test
	@DisplayName("the agent-wide limit and the connection's both hold; a request the agent-wide one refuses does not use up the connection's")
	void bothLimits() {
		limit(broker, "looper", l -> Integer.valueOf(2).equals(l.requestsPerMinute()), "--rpm", "2");
		limit(broker, "looper", l -> onOpenAi(l, c -> Integer.valueOf(3).equals(c.requestsPerMinute())), "--connection", "openai", "--rpm", "3");
		assertEquals(200, call("backup").statusCode());
		assertEquals(200, call("backup").statusCode());
		HttpResponse<String> refused = call("openai");
		assertEquals(429, refused.statusCode(), "the agent-wide bucket is empty, whatever the connection's holds");
		assertTrue(refused.body().contains("2 requests per minute."), refused.body());

		clock.advance(Duration.ofMinutes(1)); // the agent's bucket is full again: two more
		assertEquals(200, call("openai").statusCode());
		assertEquals(200, call("openai").statusCode());
		clock.advance(Duration.ofMinutes(1));
		assertEquals(200, call("openai").statusCode(), "three on openai within the minute: the refused one took no token of it");
	}

	@Test
	@DisplayName("agent limit --connection: JSON, list and --clear of one connection; an unknown connection is not_found and changes nothing")
	void cli() {
		BrokerFixture.CliResult set = broker.cli("agent", "limit", "looper", "--connection", "openai", "--rpm", "10", "--concurrent", "2", "--json");
		assertEquals(0, set.exit(), set.err());
		String json = set.out().replace(" ", "").replace("\n", "");
		assertTrue(json.contains("\"connections\":{\"openai\":{\"rpm\":10,\"concurrent\":2}}"), json);
		assertTrue(json.contains("\"rpm\":null"), "the agent-wide rate stays unset: " + json);
		assertTrue(broker.cli("agent", "list").out().contains("on openai: 10 rpm, 2 at once"), broker.cli("agent", "list").out());

		BrokerFixture.CliResult unknown = broker.cli("agent", "limit", "looper", "--connection", "nope", "--rpm", "1");
		assertEquals(1, unknown.exit());
		assertTrue(unknown.err().contains("nope"), unknown.err());

		BrokerFixture.CliResult budget = broker.cli("agent", "limit", "looper", "--connection", "openai", "--daily-usd", "5");
		assertEquals(2, budget.exit(), "budgets count for the agent as a whole: " + budget.err());

		BrokerFixture.CliResult cleared = broker.cli("agent", "limit", "looper", "--connection", "openai", "--clear", "--json");
		assertEquals(0, cleared.exit(), cleared.err());
		assertTrue(cleared.out().replace(" ", "").replace("\n", "").contains("\"connections\":{}"), cleared.out());
	}

	@Test
	@DisplayName("--connection openai --concurrent 1: a held stream blocks a second on openai (Retry-After 1), not one on the other connection")
	void concurrencyCapPerConnection() throws Exception {
		limit(broker, "looper", l -> onOpenAi(l, c -> Integer.valueOf(1).equals(c.concurrent())), "--connection", "openai", "--concurrent", "1");
		CountDownLatch release = new CountDownLatch(1);
		limited.answer("openai-chat-usage.sse").holdingLastUntil(release);
		HttpResponse<InputStream> stream = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}"))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertEquals(200, stream.statusCode());
		assertTrue(limited.allButLastSent.await(5, TimeUnit.SECONDS));

		HttpResponse<String> second = post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\"}");
		assertEquals(429, second.statusCode());
		assertEquals("rate_limited", errorType(second));
		assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
		assertTrue(second.body().contains("1 requests running on 'openai'"), second.body());
		assertEquals(200, post(broker, "/backup/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\"}").statusCode(),
				"the same agent's other connection has no cap");

		release.countDown();
		String all;
		try (InputStream in = stream.body()) {
			all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(all.endsWith("data: [DONE]\n\n"), "the held stream finished whole");
		limited.answer("openai-chat.json");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\"}").statusCode(), "its slot was given back");
	}
}
