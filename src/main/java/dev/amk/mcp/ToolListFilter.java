package dev.amk.mcp;

import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rewrites an MCP server's answer for an agent with a per-tool grant: a {@code tools/list} result lists only the granted
 * tools, and the broker's own denials of a batch's tool calls are added. Works on both answer forms of Streamable HTTP:
 * a JSON body (read whole, up to {@link #MAX_JSON}), and a server-sent-event stream, filtered event by event as each
 * event ends, so that a stream is never held back longer than one event (each up to {@link #MAX_EVENT}).
 *
 * <p>Deny by default: an answer that cannot be read is not passed on unfiltered; the stream is cut instead.
 */
public final class ToolListFilter {
	public static final int MAX_JSON = 8 * 1024 * 1024;
	public static final int MAX_EVENT = 8 * 1024 * 1024;

	private final boolean limitsTools;
	private final Predicate<String> allowsTool;
	private final List<Map<String, Object>> extra;

	/**
	 * @param limitsTools whether the grant names tools: then every answer carrying a tool list is filtered, whatever
	 *                    request it answers (its own POST, a stream resumed with Last-Event-ID, the older HTTP+SSE
	 *                    transport's GET stream), since matching by id would miss the ones not sent in this exchange
	 * @param extra       the broker's own answers to add (denied tool calls of a batch)
	 */
	public ToolListFilter(boolean limitsTools, Predicate<String> allowsTool, List<Map<String, Object>> extra) {
		this.limitsTools = limitsTools;
		this.allowsTool = allowsTool;
		this.extra = List.copyOf(extra);
	}

	/** Whether an answer needs this filter at all. */
	public boolean needed() {
		return limitsTools || !extra.isEmpty();
	}

	/** A JSON answer, filtered; throws when it is too large or unreadable. */
	public byte[] json(byte[] body) throws IOException {
		Object value;
		try {
			value = McpMessages.read(body);
		} catch (McpMessages.Unreadable e) {
			throw new IOException("the MCP server's JSON answer could not be read (" + e.getMessage() + "), so it was not passed on");
		}
		Object filtered;
		if (value instanceof List<?> list) {
			List<Object> all = new ArrayList<>(list.size() + extra.size());
			list.forEach(m -> all.add(message(m)));
			all.addAll(extra);
			filtered = all;
		} else if (extra.isEmpty()) {
			filtered = message(value);
		} else {
			List<Object> all = new ArrayList<>();
			all.add(message(value));
			all.addAll(extra);
			filtered = all;
		}
		return McpMessages.write(filtered).getBytes(StandardCharsets.UTF_8);
	}

	/** One message with a filtered tool list when it is an answer carrying one ({@code result.tools}); otherwise the same object. */
	@SuppressWarnings("unchecked")
	Object message(Object value) {
		if (!limitsTools || !(value instanceof Map<?, ?> m) || !m.containsKey("id")
				|| !(m.get("result") instanceof Map<?, ?> result) || !(result.get("tools") instanceof List<?> tools)) {
			return value;
		}
		List<Object> kept = new ArrayList<>();
		for (Object tool : tools) {
			if (tool instanceof Map<?, ?> t && t.get("name") instanceof String name && allowsTool.test(name)) {
				kept.add(tool);
			}
		}
		((Map<String, Object>) result).put("tools", kept);
		return value;
	}

	private boolean answersToolList(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().anyMatch(this::answersToolList);
		}
		return limitsTools && value instanceof Map<?, ?> m && m.containsKey("id") && m.get("result") instanceof Map<?, ?> result
				&& result.get("tools") instanceof List<?>;
	}

	/** A server-sent-event stream, filtered event by event. */
	public Source sse(Source upstream) {
		return new SseSource(Okio.buffer(upstream));
	}

	/**
	 * Splits the stream into events (lines ended by CR, LF or CRLF; an event ended by an empty line, as the SSE standard
	 * says), passes each event's bytes on unchanged unless its data is a {@code tools/list} answer to filter. An event
	 * left unfinished when the stream ends is dropped, as an SSE client would drop it.
	 */
	private final class SseSource implements Source {
		private final BufferedSource in;
		private final Buffer out = new Buffer();
		private final ByteArrayOutputStream event = new ByteArrayOutputStream();
		private final ByteArrayOutputStream line = new ByteArrayOutputStream();
		private final List<String> lines = new ArrayList<>();
		private boolean skipLf;
		private boolean started;
		private boolean ended;

		SseSource(BufferedSource in) {
			this.in = in;
		}

		@Override
		public long read(Buffer sink, long byteCount) throws IOException {
			if (!started) {
				started = true;
				for (Map<String, Object> answer : extra) {
					out.writeUtf8("event: message\ndata: ").writeUtf8(McpMessages.write(answer)).writeUtf8("\n\n");
				}
			}
			while (out.size() == 0 && !ended) {
				pump();
			}
			if (out.size() == 0) {
				return -1;
			}
			return out.read(sink, Math.min(byteCount, out.size()));
		}

		/** Reads what has arrived (blocking for at least one byte) and moves every finished event to {@code out}. */
		private void pump() throws IOException {
			if (!in.request(1)) {
				ended = true;
				return;
			}
			long available = in.getBuffer().size();
			for (long i = 0; i < available; i++) {
				byte b = in.readByte();
				if (skipLf && b == '\n') {
					skipLf = false;
					event.write(b);
					continue;
				}
				skipLf = false;
				event.write(b);
				if (b == '\r' || b == '\n') {
					skipLf = b == '\r';
					endLine();
				} else {
					line.write(b);
				}
				if (event.size() > MAX_EVENT) {
					throw new IOException("an event of the MCP server's stream is larger than the broker filters");
				}
			}
		}

		private void endLine() throws InterruptedIOException {
			if (line.size() > 0) {
				lines.add(line.toString(StandardCharsets.UTF_8));
				line.reset();
				return;
			}
			// An empty line ends the event.
			out.write(rewritten());
			event.reset();
			lines.clear();
		}

		private byte[] rewritten() {
			StringBuilder data = null;
			List<String> others = new ArrayList<>();
			for (String l : lines) {
				if (l.startsWith("data")) {
					String field = l.length() == 4 ? "" : l.charAt(4) == ':' ? l.substring(5) : null;
					if (field == null) {
						others.add(l);
						continue;
					}
					if (field.startsWith(" ")) {
						field = field.substring(1);
					}
					data = data == null ? new StringBuilder(field) : data.append('\n').append(field);
				} else {
					others.add(l);
				}
			}
			if (data == null || !limitsTools) {
				return event.toByteArray();
			}
			Object value;
			try {
				value = McpMessages.read(data.toString().getBytes(StandardCharsets.UTF_8));
			} catch (McpMessages.Unreadable e) {
				// MCP events carry JSON-RPC; one the broker cannot read exactly could hide a tool list: dropped, not passed on.
				return new byte[0];
			}
			if (!answersToolList(value)) {
				return event.toByteArray(); // passed on byte for byte
			}
			Object filtered = value instanceof List<?> list ? list.stream().map(ToolListFilter.this::message).toList() : message(value);
			StringBuilder text = new StringBuilder();
			others.forEach(o -> text.append(o).append('\n'));
			text.append("data: ").append(McpMessages.write(filtered)).append("\n\n");
			return text.toString().getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public Timeout timeout() {
			return in.timeout();
		}

		@Override
		public void close() throws IOException {
			in.close();
		}
	}
}
