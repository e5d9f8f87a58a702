package dev.amk.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads the token usage of one LLM answer from the chunks the relay passes on, without holding the answer back:
 * the relay sends each chunk to the agent as it does without a meter, and the meter only looks.
 *
 * <ul>
 *   <li>Server-sent events: each {@code data:} line is read as it completes (a line is at most 1 MiB; a longer one is
 *       skipped). The usage of a stream is the largest each count reached in any event: OpenAI's final usage chunk,
 *       Anthropic's {@code message_start} (input) and {@code message_delta} (output, cumulative), Gemini's cumulative
 *       {@code usageMetadata} in every chunk, the Responses API's {@code response.completed}.</li>
 *   <li>A JSON answer (OpenAI, Anthropic, Gemini, Gemini's streamed JSON array): a copy of up to 4 MiB is kept and read
 *       at the end; a larger answer is counted as a request without tokens.</li>
 *   <li>An OpenAI chat stream without a usage event (the agent did not ask for {@code stream_options.include_usage}):
 *       output tokens are estimated from the characters of the deltas, input tokens from the request body's size,
 *       about four characters a token each, and the result is marked {@linkplain Usage#estimated estimated}.</li>
 * </ul>
 *
 * <p>Confined to the request's thread.
 */
public final class UsageMeter {
	private static final JsonFactory JSON = new JsonFactory();
	static final int JSON_LIMIT = 4 << 20;
	static final int LINE_LIMIT = 1 << 20;
	private static final byte[] DATA = "data:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final boolean sse;
	private final boolean estimateFromDeltas;
	private final String requestModel;
	private byte[] buf = new byte[4096];
	private int len;
	private boolean overflow;
	private long input = -1;
	private long output = -1;
	private String model;
	private long deltaChars;

	/**
	 * @param sse                whether the answer is {@code text/event-stream}; otherwise JSON
	 * @param estimateFromDeltas count delta characters, for a stream that may carry no usage (OpenAI chat)
	 * @param requestModel       the model the request named, if the broker read it: the fallback for pricing
	 */
	UsageMeter(boolean sse, boolean estimateFromDeltas, String requestModel) {
		this.sse = sse;
		this.estimateFromDeltas = estimateFromDeltas;
		this.requestModel = requestModel;
	}

	public void onChunk(byte[] chunk) {
		onChunk(chunk, 0, chunk.length);
	}

	public void onChunk(byte[] chunk, int off, int n) {
		if (!sse) {
			append(chunk, off, n, JSON_LIMIT);
			return;
		}
		int start = off;
		int end = off + n;
		for (int i = off; i < end; i++) {
			if (chunk[i] == '\n') {
				append(chunk, start, i - start, LINE_LIMIT);
				line();
				start = i + 1;
			}
		}
		append(chunk, start, end - start, LINE_LIMIT);
	}

	private void append(byte[] b, int off, int n, int limit) {
		if (overflow || n == 0) {
			return;
		}
		if (len + n > limit) {
			overflow = true;
			return;
		}
		if (len + n > buf.length) {
			buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, len + n)));
		}
		System.arraycopy(b, off, buf, len, n);
		len += n;
	}

	private void line() {
		if (!overflow) {
			int end = len;
			if (end > 0 && buf[end - 1] == '\r') {
				end--;
			}
			if (end > DATA.length && startsWithData()) {
				int p = DATA.length;
				while (p < end && buf[p] == ' ') {
					p++;
				}
				if (p < end && (buf[p] == '{' || buf[p] == '[')) {
					scan(buf, p, end - p);
				}
			}
		}
		len = 0;
		overflow = false;
	}

	private boolean startsWithData() {
		for (int i = 0; i < DATA.length; i++) {
			if (buf[i] != DATA[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The usage of the whole answer; call once, when it has ended (or was cut: what was seen counts).
	 *
	 * @param requestBytes the request body's size, for an estimate; -1 when unknown
	 */
	public Usage finish(long requestBytes) {
		if (sse) {
			line(); // a last event without its newline
		} else if (!overflow && len > 0) {
			scan(buf, 0, len);
		}
		buf = null;
		String named = model != null ? model : requestModel;
		if (input < 0 && output < 0) {
			if (estimateFromDeltas && deltaChars > 0) {
				return new Usage(requestBytes > 0 ? (requestBytes + 3) / 4 : 0, (deltaChars + 3) / 4, named, true);
			}
			return new Usage(0, 0, named, false);
		}
		return new Usage(Math.max(0, input), Math.max(0, output), named, false);
	}

	/** Walks one JSON document for usage objects, the model's name and (when estimating) delta text. */
	private void scan(byte[] b, int off, int n) {
		try (JsonParser p = JSON.createParser(b, off, n)) {
			JsonToken t;
			while ((t = p.nextToken()) != null) {
				if (t != JsonToken.FIELD_NAME) {
					continue;
				}
				switch (p.currentName()) {
					case "usage", "usageMetadata" -> {
						if (p.nextToken() == JsonToken.START_OBJECT) {
							readUsage(p);
						}
					}
					case "model", "modelVersion" -> {
						if (p.nextToken() == JsonToken.VALUE_STRING && model == null) {
							model = p.getText();
						}
					}
					case "content", "arguments" -> {
						if (p.nextToken() == JsonToken.VALUE_STRING && estimateFromDeltas) {
							deltaChars += p.getTextLength();
						}
					}
					default -> {
						// other fields are walked into, or skipped as they come
					}
				}
			}
		} catch (IOException e) {
			// Not JSON, or cut short: whatever was read before counts, the rest is unknown.
		}
	}

	/**
	 * One usage object: input counts (OpenAI {@code prompt_tokens} or {@code input_tokens}, Anthropic {@code input_tokens} plus
	 * its cache reads and writes, Gemini {@code promptTokenCount}) and output counts (OpenAI {@code completion_tokens} or
	 * {@code output_tokens}, Gemini {@code candidatesTokenCount} plus {@code thoughtsTokenCount}). Nested details (cached or
	 * reasoning tokens, already inside those totals) are skipped.
	 */
	private void readUsage(JsonParser p) throws IOException {
		long in = 0;
		long out = 0;
		boolean sawIn = false;
		boolean sawOut = false;
		while (p.nextToken() == JsonToken.FIELD_NAME) {
			String field = p.currentName();
			JsonToken v = p.nextToken();
			if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
				p.skipChildren();
				continue;
			}
			if (v != JsonToken.VALUE_NUMBER_INT) {
				continue;
			}
			long x = Math.max(0, p.getLongValue());
			switch (field) {
				case "prompt_tokens", "input_tokens", "promptTokenCount", "cache_creation_input_tokens", "cache_read_input_tokens" -> {
					in += x;
					sawIn = true;
				}
				case "completion_tokens", "output_tokens", "candidatesTokenCount", "thoughtsTokenCount" -> {
					out += x;
					sawOut = true;
				}
				default -> {
					// totals and other counts are derived from the two above
				}
			}
		}
		if (sawIn) {
			input = Math.max(input, in);
		}
		if (sawOut) {
			output = Math.max(output, out);
		}
	}
}
