package dev.amk.limits;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.LlmUpstream;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.amk.limits.ControlsFixture.limit;
import static dev.amk.limits.ControlsFixture.post;
import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model allow-lists through the real proxy: the body's model (OpenAI, Anthropic) and Gemini's path, checked before anything goes upstream. */
class ModelListEndToEndTest {
	@TempDir
	Path home;

	LlmUpstream upstream;
	BrokerFixture broker;
	String key;

	@BeforeEach
	void start() throws Exception {
		upstream = new LlmUpstream().answer("openai-chat.json");
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.baseUrl(), "sk-real-secret");
		broker.addConnection("claude", "anthropic", upstream.baseUrl(), "sk-ant-real-secret");
		broker.addConnection("gemini", "gemini", upstream.baseUrl(), "AIza-real-secret");
		key = broker.createAgent("picky", "openai", "claude", "gemini");
		limit(broker, "picky", l -> l.models().size() == 3, "--models", "gpt-4o-mini*,claude-3-5-*,gemini-2.0-*");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	@ParameterizedTest(name = "{0} {1}: {3}")
	@CsvSource(delimiter = '|', value = {
			"openai | /v1/chat/completions | {\"model\":\"gpt-4o-mini\",\"messages\":[]}                  | 200",
			"openai | /v1/chat/completions | {\"model\":\"GPT-4o-mini-2024-07-18\",\"messages\":[]}       | 200",
			"openai | /v1/chat/completions | {\"model\":\"gpt-4o\",\"messages\":[]}                       | 403",
			"openai | /v1/chat/completions | {\"messages\":[{\"content\":\"model gpt-4o-mini\"}],\"model\":\"o3\"} | 403",
			"openai | /v1/chat/completions | {\"model\":\"gpt-4o-mini\",\"model\":\"gpt-4o\"}            | 403",
			"openai | /v1/chat/completions | not json                                                   | 403",
			"openai | /v1/chat/completions | {\"model\":[\"gpt-4o-mini\"]}                               | 403",
			"openai | /v1/embeddings       | {\"input\":\"no model named\"}                              | 200",
			"claude | /v1/messages         | {\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":1}   | 200",
			"claude | /v1/messages         | {\"model\":\"claude-opus-4-1\",\"max_tokens\":1}             | 403",
			"gemini | /v1beta/models/gemini-2.0-flash:generateContent | {\"contents\":[]}               | 200",
			"gemini | /v1beta/models/gemini-2.5-pro:generateContent   | {\"contents\":[]}               | 403",
			"gemini | /v1beta/openai/chat/completions | {\"model\":\"gemini-2.5-pro\"}                   | 403",
	})
	@DisplayName("a model on the list goes through with its body byte for byte; any other is refused 403 model_denied before the upstream")
	void modelGlobs(String connection, String path, String body, int status) {
		HttpResponse<String> r = post(broker, "/" + connection + path, key, body);
		assertEquals(status, r.statusCode(), r.body());
		if (status == 200) {
			assertEquals(1, upstream.requests.size());
			assertEquals(body, upstream.requests.getFirst().body(), "the upstream got the very bytes the agent sent");
		} else {
			assertEquals("model_denied", errorType(r));
			assertTrue(r.body().contains("gpt-4o-mini*,claude-3-5-*,gemini-2.0-*"), r.body());
			assertEquals(0, upstream.requests.size(), "nothing reached the upstream");
		}
	}

	@Test
	@DisplayName("requests naming no model pass (GET /v1/models); a chunked body is read and forwarded whole")
	void noModelAndChunked() {
		assertEquals(200, broker.get("/openai/v1/models", "Authorization", "Bearer " + key).statusCode());
		String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(40_000) + "\"}]}";
		// A publisher of unknown length: the JDK client sends it chunked.
		HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(subscriber -> HttpRequest.BodyPublishers.ofString(body)
				.subscribe(subscriber));
		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions")).header("Authorization", "Bearer " + key)
				.POST(chunked).build());
		assertEquals(200, r.statusCode(), r.body());
		assertEquals(body, upstream.requests.getLast().body());
	}

	@Test
	@DisplayName("a body over 1 MiB or a compressed one cannot be checked, so it is refused with a reason")
	void uncheckableBodies() {
		String big = "{\"model\":\"gpt-4o-mini\",\"input\":\"" + "x".repeat(1 << 20) + "\"}";
		HttpResponse<String> r = post(broker, "/openai/v1/chat/completions", key, big);
		assertEquals("model_denied", errorType(r));
		assertTrue(r.body().contains("1 MiB"), r.body());

		HttpResponse<String> gz = broker.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions")).header("Authorization", "Bearer " + key)
				.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {31, -117, 8, 0})).build());
		assertEquals("model_denied", errorType(gz));
		assertTrue(gz.body().contains("compressed"), gz.body());
		assertEquals(0, upstream.requests.size());
	}

	@Test
	@DisplayName("without a model list the body is not read at all, whatever its size")
	void noListNoInspection() {
		limit(broker, "picky", l -> l.models().isEmpty(), "--models", "none");
		String big = "{\"model\":\"anything\",\"input\":\"" + "x".repeat(1 << 20) + "\"}";
		assertEquals(200, post(broker, "/openai/v1/chat/completions", key, big).statusCode());
	}
}
