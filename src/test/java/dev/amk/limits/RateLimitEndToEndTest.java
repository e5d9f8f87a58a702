package dev.amk.limits;

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

/** Requests per minute and concurrent requests, through the real proxy against a loopback upstream; time from a clock the test moves. */
class RateLimitEndToEndTest {
	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
	LlmUpstream upstream;
	BrokerFixture broker;
	String key;

	@BeforeEach
	void start() throws Exception {
		upstream = new LlmUpstream().answer("openai-chat.json");
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		key = broker.createAgent("looper", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	private HttpResponse<String> call() {
		return broker.get("/openai/v1/models", "Authorization", "Bearer " + key);
	}

	@Test
	@DisplayName("--rpm 2: a minute's worth at once, then 429 rate_limited with Retry-After the seconds until the next token")
	void bucketEdges() {
		limit(broker, "looper", l -> Integer.valueOf(2).equals(l.requestsPerMinute()), "--rpm", "2");
		assertEquals(200, call().statusCode());
		assertEquals(200, call().statusCode());

		HttpResponse<String> third = call();
		assertEquals(429, third.statusCode());
		assertEquals("rate_limited", errorType(third));
		assertEquals("30", third.headers().firstValue("Retry-After").orElseThrow(), "one token every 30 s");
		assertTrue(third.body().contains("2 requests per minute"), third.body());
		assertEquals(2, upstream.requests.size(), "the refused request never reached the upstream");

		clock.advance(Duration.ofSeconds(29));
		HttpResponse<String> early = call();
		assertEquals(429, early.statusCode());
		assertEquals("1", early.headers().firstValue("Retry-After").orElseThrow());

		clock.advance(Duration.ofSeconds(1));
		assertEquals(200, call().statusCode(), "exactly when Retry-After said");
		assertEquals(429, call().statusCode(), "and only one token came back");

		clock.advance(Duration.ofMinutes(5));
		assertEquals(200, call().statusCode());
		assertEquals(200, call().statusCode());
		assertEquals(429, call().statusCode(), "an idle bucket fills up to a minute's worth, no more");

		String audit = broker.cli("audit", "--json", "--agent", "looper").out();
		assertTrue(audit.replace(" ", "").contains("\"reason\":\"rate_limited\""), audit);
	}

	@Test
	@DisplayName("removing the rate limit ('none') lets the agent through again at once; other agents were never limited")
	void limitRemoved() {
		String other = broker.createAgent("bystander", "openai");
		limit(broker, "looper", l -> Integer.valueOf(1).equals(l.requestsPerMinute()), "--rpm", "1");
		assertEquals(200, call().statusCode());
		assertEquals(429, call().statusCode());
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + other).statusCode());
		limit(broker, "looper", l -> l.requestsPerMinute() == null, "--rpm", "none");
		assertEquals(200, call().statusCode());
	}

	@Test
	@DisplayName("--concurrent 1: while a stream is held open a second request is refused; once it ends the next goes through")
	void concurrentCap() throws Exception {
		limit(broker, "looper", l -> Integer.valueOf(1).equals(l.concurrent()), "--concurrent", "1");
		CountDownLatch release = new CountDownLatch(1);
		upstream.answer("openai-chat-usage.sse").holdingLastUntil(release);
		HttpResponse<InputStream> stream = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}"))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertEquals(200, stream.statusCode());
		assertTrue(upstream.allButLastSent.await(5, TimeUnit.SECONDS));

		HttpResponse<String> second = post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\"}");
		assertEquals(429, second.statusCode());
		assertEquals("rate_limited", errorType(second));
		assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
		assertTrue(second.body().contains("1 requests running"), second.body());

		release.countDown();
		String all;
		try (InputStream in = stream.body()) {
			all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(all.endsWith("data: [DONE]\n\n"), "the held stream finished whole");
		upstream.answer("openai-chat.json");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\"}").statusCode());
	}
}
