package dev.amk.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes JSON-RPC messages as the MCP server will read them, strictly, so that the broker never decides on
 * one reading while the server acts on another: the bytes must be UTF-8 (no other encoding guessed, no byte-order
 * mark), and an object with a key twice is refused (JavaScript's {@code JSON.parse} keeps the last {@code name},
 * a lenient parser might check the first). Numbers keep their exact value, so an {@code id} goes back as it came.
 */
public final class McpMessages {
	/**
	 * The newest protocol revision the broker's own MCP requests offer (the sign-in probe, the tool picker's list); a
	 * server answers with the one it speaks.
	 */
	public static final String PROTOCOL_VERSION = "2025-06-18";
	private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
	private static final JSON STRICT = JSON.builder(FACTORY)
			.enable(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS).enable(JSON.Feature.WRITE_NULL_PROPERTIES).build();

	/** The body is not one JSON value the broker can read the same way the server would. */
	public static final class Unreadable extends Exception {
		Unreadable(String message) {
			super(message);
		}
	}

	/**
	 * One JSON-RPC message of a request body.
	 *
	 * @param message the message as parsed
	 * @param method  its {@code method} when a string, else null (a response to a server request, or junk)
	 * @param hasId   whether it has an {@code id} member (a request, which gets an answer) or not (a notification)
	 * @param tool    for {@code tools/call}, {@code params.name} when a string, else null
	 */
	public record Message(Map<String, Object> message, String method, boolean hasId, Object id, String tool) {
		public boolean isToolCall() {
			return ToolGate.TOOLS_CALL.equals(method);
		}

		public boolean isToolList() {
			return ToolGate.TOOLS_LIST.equals(method);
		}
	}

	/** A request body: one message, or a batch (a JSON array) of them. */
	public record Body(boolean batch, List<Message> messages) {
	}

	private McpMessages() {
	}

	public static Body parse(byte[] bytes) throws Unreadable {
		Object value = read(bytes);
		if (value instanceof Map<?, ?> single) {
			return new Body(false, List.of(message(single)));
		}
		if (value instanceof List<?> list) {
			if (list.isEmpty()) {
				throw new Unreadable("an empty JSON-RPC batch");
			}
			List<Message> messages = new ArrayList<>(list.size());
			for (Object element : list) {
				if (!(element instanceof Map<?, ?> m)) {
					throw new Unreadable("a JSON-RPC batch element that is not an object");
				}
				messages.add(message(m));
			}
			return new Body(true, messages);
		}
		throw new Unreadable("neither a JSON-RPC message nor a batch");
	}

	/** Any JSON value, read strictly (see the class comment). */
	public static Object read(byte[] bytes) throws Unreadable {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes)).toString();
		} catch (CharacterCodingException e) {
			throw new Unreadable("not UTF-8");
		}
		if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
			throw new Unreadable("a byte-order mark before the JSON");
		}
		try (JsonParser parser = FACTORY.createParser(text)) {
			Object value = STRICT.anyFrom(parser);
			if (parser.nextToken() != null) {
				throw new Unreadable("more than one JSON value"); // a server reading a stream of values might act on the second
			}
			return value;
		} catch (IOException | RuntimeException e) {
			throw new Unreadable("not valid JSON, or an object with a key twice");
		}
	}

	public static String write(Object value) {
		try {
			return STRICT.asString(value);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@SuppressWarnings("unchecked")
	private static Message message(Map<?, ?> raw) {
		Map<String, Object> m = (Map<String, Object>) raw;
		String method = m.get("method") instanceof String s ? s : null;
		String tool = null;
		if (ToolGate.TOOLS_CALL.equals(method) && m.get("params") instanceof Map<?, ?> params && params.get("name") instanceof String name) {
			tool = name;
		}
		return new Message(m, method, m.containsKey("id"), m.get("id"), tool);
	}
}
