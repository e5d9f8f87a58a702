package dev.amk.limits;

import dev.amk.testing.LlmUpstream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meter alone: every recorded answer, cut into chunks at every possible place, gives the same usage. */
class UsageMeterTest {
	private static Usage meter(String answer, boolean sse, boolean estimate, int[] cuts) {
		byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
		UsageMeter m = new UsageMeter(sse, estimate, null);
		int from = 0;
		for (int cut : cuts) {
			m.onChunk(Arrays.copyOfRange(bytes, from, cut));
			from = cut;
		}
		m.onChunk(Arrays.copyOfRange(bytes, from, bytes.length));
		return m.finish(-1);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({
			"openai-chat.json,        1200, 300,  gpt-4o-2024-08-06",
			"openai-chat-usage.sse,   2000, 1000, gpt-4o-mini-2024-07-18",
			"anthropic-messages.json, 1000, 200,  claude-sonnet-4-20250514",
			"anthropic-messages.sse,  2500, 500,  claude-3-5-haiku-20241022",
			"gemini-generate.json,    4000, 1000, gemini-2.5-flash",
			"gemini-stream.sse,       3000, 1000, gemini-2.0-flash",
	})
	@DisplayName("the same usage whichever byte a chunk ends at")
	void everySplit(String name, long input, long output, String model) {
		String answer = LlmUpstream.resource(name);
		boolean sse = name.endsWith(".sse");
		Usage whole = meter(answer, sse, false, new int[0]);
		assertEquals(new Usage(input, output, model, false), whole);
		int length = answer.getBytes(StandardCharsets.UTF_8).length;
		for (int cut = 1; cut < length; cut += 7) {
			assertEquals(whole, meter(answer, sse, false, new int[] {cut}), "cut at " + cut);
		}
		int[] bytewise = new int[length - 1];
		Arrays.setAll(bytewise, i -> i + 1);
		assertEquals(whole, meter(answer, sse, false, bytewise), "one byte at a time");
	}

	@Test
	@DisplayName("CRLF line ends, a last event without its newline and a [DONE] line are all read")
	void lineEnds() {
		String sse = "data: {\"model\":\"o3\",\"usage\":null}\r\n\r\ndata: [DONE]\r\n\r\ndata: {\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}";
		assertEquals(new Usage(5, 7, "o3", false), meter(sse, true, false, new int[0]));
	}

	@Test
	@DisplayName("no usage event: estimated from the deltas only when asked; broken JSON counts as nothing, not an error")
	void estimatesAndGarbage() {
		String answer = LlmUpstream.resource("openai-chat-no-usage.sse");
		UsageMeter m = new UsageMeter(true, true, "gpt-4o-mini");
		m.onChunk(answer.getBytes(StandardCharsets.UTF_8));
		Usage estimated = m.finish(400);
		assertTrue(estimated.estimated());
		assertEquals(100, estimated.inputTokens());
		assertEquals(8, estimated.outputTokens());
		assertFalse(meter(answer, true, false, new int[0]).estimated());
		assertEquals(new Usage(0, 0, null, false), meter("{\"usage\": {\"prompt_tokens\": ", false, false, new int[0]));
		assertEquals(new Usage(0, 0, null, false), meter("<html>502</html>", false, false, new int[0]));
	}

	@Test
	@DisplayName("a JSON answer over the copy limit is counted without tokens instead of growing the copy")
	void oversizedJson() {
		String big = "{\"pad\":\"" + "x".repeat(UsageMeter.JSON_LIMIT) + "\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}";
		assertEquals(0, meter(big, false, false, new int[] {1000}).totalTokens());
	}
}
