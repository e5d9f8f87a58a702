package dev.amk.limits;

import dev.amk.agents.Agent;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.LlmUpstream;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.amk.limits.ControlsFixture.limit;
import static dev.amk.limits.ControlsFixture.post;
import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage read from each provider's recorded answers (JSON and SSE) through the real proxy, priced, summed per day on disk,
 * and the budgets checked against it: at the boundary, across a restart, at the turn of the day, and pause-on-budget.
 */
class UsageEndToEndTest {
	@TempDir
	Path home;

	/** Two hours before midnight UTC: a daily budget resets in 7200 s. */
	final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T22:00:00Z"));
	LlmUpstream upstream;
	BrokerFixture broker;

	@BeforeEach
	void start() throws Exception {
		upstream = new LlmUpstream();
		broker = startBroker();
	}

	private BrokerFixture startBroker() {
		return BrokerFixture.start(home, clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
	}

	/** The same data folder in a new broker process; the keychain outlives a restart, as the OS's does. */
	private void restart() {
		Map<String, String> keychain = Map.copyOf(broker.secrets.items);
		broker.close();
		broker = startBroker();
		broker.secrets.items.putAll(keychain);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> usage(String... extra) {
		String[] args = new String[extra.length + 2];
		args[0] = "usage";
		args[1] = "--json";
		System.arraycopy(extra, 0, args, 2, extra.length);
		BrokerFixture.CliResult r = broker.cli(args);
		assertEquals(0, r.exit(), r.err());
		return (List<Map<String, Object>>) r.json().get("usage");
	}

	private static long number(Map<String, Object> row, String field) {
		return ((Number) row.get(field)).longValue();
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({
			// provider, answer, path, input, output, cost (micro-dollars), estimated
			"openai,    openai-chat.json,          /v1/chat/completions,                               1200, 300,  6000, false",
			"openai,    openai-chat-usage.sse,     /v1/chat/completions,                               2000, 1000, 900,  false",
			"anthropic, anthropic-messages.json,   /v1/messages,                                       1000, 200,  6000, false",
			"anthropic, anthropic-messages.sse,    /v1/messages,                                       2500, 500,  4000, false",
			"gemini,    gemini-generate.json,      /v1beta/models/gemini-2.5-flash:generateContent,    4000, 1000, 3700, false",
			"gemini,    gemini-stream.sse,         /v1beta/models/gemini-2.0-flash:streamGenerateContent, 3000, 1000, 700, false",
	})
	@DisplayName("usage is read from each provider's answer, JSON and streamed, and priced from the table")
	void usagePerProvider(String provider, String answer, String path, long input, long output, long cost, boolean estimated) {
		broker.addConnection("llm", provider, upstream.baseUrl(), "real-secret-123");
		String key = broker.createAgent("reader", "llm");
		String expected = LlmUpstream.resource(answer);
		upstream.answer(answer);

		HttpResponse<String> r = post(broker, "/llm" + path, key, "{\"contents\":[]}".replace("contents", provider.equals("gemini") ? "contents" : "messages"));

		assertEquals(200, r.statusCode());
		assertEquals(expected, r.body(), "the answer passed through unchanged");
		List<Map<String, Object>> rows = usage();
		assertEquals(1, rows.size(), rows.toString());
		Map<String, Object> row = rows.getFirst();
		assertEquals("reader", row.get("agent"));
		assertEquals("2026-12-03", row.get("day"));
		assertEquals(1L, number(row, "requests"));
		assertEquals(input, number(row, "input_tokens"));
		assertEquals(output, number(row, "output_tokens"));
		assertEquals(estimated ? 1L : 0L, number(row, "estimated_requests"));
		assertEquals(0L, number(row, "unpriced_requests"));
		assertEquals(java.math.BigDecimal.valueOf(cost).movePointLeft(6).stripTrailingZeros().toPlainString(), row.get("cost_usd"));
	}

	@Test
	@DisplayName("an OpenAI chat stream without a usage event is estimated from its deltas and marked so")
	void estimatedWithoutUsageEvent() {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("reader", "openai");
		upstream.answer("openai-chat-no-usage.sse");
		String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; // 83 bytes

		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, body).statusCode());

		Map<String, Object> row = usage().getFirst();
		assertEquals(1L, number(row, "estimated_requests"));
		assertEquals(8L, number(row, "output_tokens"), "32 characters of deltas, about four a token");
		assertEquals((body.length() + 3) / 4, number(row, "input_tokens"), "the prompt from the request's size");
	}

	@Test
	@DisplayName("a streamed answer reaches the agent before the upstream has sent its last event, and its usage still counts")
	void meteringDoesNotBuffer() throws Exception {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("reader", "openai");
		limit(broker, "reader", l -> l.dailyTokens() != null, "--daily-tokens", "1000000", "--models", "gpt-4o*");
		CountDownLatch release = new CountDownLatch(1);
		upstream.answer("openai-chat-usage.sse").holdingLastUntil(release);

		HttpResponse<InputStream> response = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}"))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		InputStream in = response.body();
		byte[] first = new byte[5];
		int read = 0;
		while (read < first.length) {
			int n = in.read(first, read, first.length - read);
			assertTrue(n > 0, "the stream ended early");
			read += n;
		}
		assertEquals("data:", new String(first, StandardCharsets.US_ASCII));
		assertEquals(1, release.getCount(), "the agent read the first event while the upstream still held the last");

		release.countDown();
		String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(rest.endsWith("data: [DONE]\n\n"));
		assertEquals(3000L, number(usage().getFirst(), "output_tokens") + number(usage().getFirst(), "input_tokens"));
	}

	@Test
	@DisplayName("a daily dollar budget: allowed below it, refused 429 budget_exceeded once reached, with when it resets; back the next day")
	void dailyBudgetAtTheBoundary() {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("spender", "openai");
		upstream.answer("openai-chat.json"); // 6000 micro-dollars a call
		limit(broker, "spender", l -> Long.valueOf(12_001).equals(l.dailyMicroUsd()), "--daily-usd", "0.012001");

		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}").statusCode());
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}").statusCode(), "12000 < 12001: still under");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}").statusCode(), "the last call may cross");

		HttpResponse<String> refused = post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}");
		assertEquals(429, refused.statusCode());
		assertEquals("budget_exceeded", errorType(refused));
		assertEquals("7200", refused.headers().firstValue("Retry-After").orElseThrow(), "until midnight UTC");
		assertTrue(refused.body().contains("daily budget of $0.01") && refused.body().contains("2026-12-04T00:00:00Z"), refused.body());
		assertEquals(3, upstream.requests.size(), "the refused request never reached the upstream");
		// Budgets count LLM connections only: the agent's other requests are untouched (none here), and so are other agents.
		String other = broker.createAgent("frugal", "openai");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", other, "{\"model\":\"gpt-4o\"}").statusCode());

		clock.advance(Duration.ofHours(2));
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}").statusCode(), "a new UTC day");
	}

	@Test
	@DisplayName("a daily token budget and a monthly dollar budget refuse with their own message")
	void tokenAndMonthlyBudgets() {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("spender", "openai");
		upstream.answer("openai-chat.json"); // 1500 tokens, 6000 micro-dollars
		limit(broker, "spender", l -> Long.valueOf(1500).equals(l.dailyTokens()), "--daily-tokens", "1500");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{}").statusCode());
		HttpResponse<String> tokens = post(broker, "/openai/v1/chat/completions", key, "{}");
		assertEquals("budget_exceeded", errorType(tokens));
		assertTrue(tokens.body().contains("1500 tokens"), tokens.body());

		limit(broker, "spender", l -> l.dailyTokens() == null && l.monthlyMicroUsd() != null, "--daily-tokens", "none", "--monthly-usd", "0.006");
		HttpResponse<String> monthly = post(broker, "/openai/v1/chat/completions", key, "{}");
		assertEquals("budget_exceeded", errorType(monthly));
		assertTrue(monthly.body().contains("monthly budget") && monthly.body().contains("2027-01-01T00:00:00Z"), monthly.body());
		clock.advance(Duration.ofHours(2)); // a new day, the same month
		assertEquals("budget_exceeded", errorType(post(broker, "/openai/v1/chat/completions", key, "{}")));
	}

	@Test
	@DisplayName("a stream that crosses the budget finishes whole; the next request is refused")
	void streamCrossingBudgetFinishes() {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("streamer", "openai");
		upstream.answer("openai-chat-usage.sse"); // 900 micro-dollars
		limit(broker, "streamer", l -> l.dailyMicroUsd() != null, "--daily-usd", "0.0005");

		HttpResponse<String> stream = post(broker, "/openai/v1/chat/completions", key, "{\"model\":\"gpt-4o-mini\",\"stream\":true}");
		assertEquals(200, stream.statusCode());
		assertEquals(LlmUpstream.resource("openai-chat-usage.sse"), stream.body());
		assertEquals("budget_exceeded", errorType(post(broker, "/openai/v1/chat/completions", key, "{}")));
	}

	@Test
	@DisplayName("totals survive a restart: amk usage and the budget check both see what was used before")
	void totalsAcrossRestart() throws Exception {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("spender", "openai");
		upstream.answer("openai-chat.json");
		limit(broker, "spender", l -> l.dailyMicroUsd() != null, "--daily-usd", "0.012");
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{}").statusCode());

		restart();
		assertEquals(1L, number(usage("--agent", "spender").getFirst(), "requests"));
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{}").statusCode());
		restart();

		Map<String, Object> row = usage().getFirst();
		assertEquals(2L, number(row, "requests"));
		assertEquals(3000L, number(row, "tokens"));
		assertEquals("0.012", row.get("cost_usd"));
		assertEquals("budget_exceeded", errorType(post(broker, "/openai/v1/chat/completions", key, "{}")), "the budget remembers too");
		String table = broker.cli("usage").out();
		assertTrue(table.contains("spender") && table.contains("$0.0120"), table);
	}

	@Test
	@DisplayName("--pause-on-budget: passing the budget revokes the agent; 'amk agent enable' brings it back")
	void pauseOnBudget() {
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		String key = broker.createAgent("spender", "openai");
		upstream.answer("openai-chat.json");
		limit(broker, "spender", l -> l.pauseOnBudget(), "--daily-usd", "0.006", "--pause-on-budget");

		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, "{}").statusCode());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("spender") && a.agent().revokedAt() != null));
		assertEquals("revoked_key", errorType(post(broker, "/openai/v1/chat/completions", key, "{}")));
		Agent paused = broker.broker.agents().get("spender");
		assertNotNull(paused.revokedAt());
		assertFalse(broker.cli("agent", "list").out().isEmpty());
	}
}
