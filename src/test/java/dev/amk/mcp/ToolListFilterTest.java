package dev.amk.mcp;

import dev.amk.agents.GrantRule;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Pipe;
import okio.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolListFilterTest {
	private static final GrantRule RULE = GrantRule.parse("tools=read_*");
	private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"tools\":[{\"name\":\"read_page\",\"inputSchema\":{}},"
			+ "{\"name\":\"delete_page\"},{\"name\":\"Read_x\"},{\"name\":42}],\"nextCursor\":\"c\"}}";

	private static ToolListFilter filter(List<Map<String, Object>> extra) {
		return new ToolListFilter(true, RULE::allowsTool, extra);
	}

	@Test
	@DisplayName("a JSON tools/list answer keeps only granted tools and everything else in it")
	void json() throws Exception {
		String out = new String(filter(List.of()).json(LIST.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		assertTrue(out.contains("read_page"), out);
		assertFalse(out.contains("delete_page"), out);
		assertFalse(out.contains("Read_x"), out);
		assertTrue(out.contains("\"nextCursor\":\"c\""), out);
	}

	@Test
	@DisplayName("any answer carrying a tool list is filtered, whatever its id (a resumed stream); other answers pass as they are")
	void anyIds() throws Exception {
		String other = LIST.replace("\"id\":7", "\"id\":\"resumed-1\"");
		String out = new String(filter(List.of()).json(other.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
		assertFalse(out.contains("delete_page"), out);
		String call = "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"delete_page\"}]}}";
		assertEquals(call, new String(filter(List.of()).json(call.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
		String all = new String(new ToolListFilter(false, RULE::allowsTool, List.of()).json(LIST.getBytes(StandardCharsets.UTF_8)),
				StandardCharsets.UTF_8);
		assertTrue(all.contains("delete_page"), "a full grant filters nothing");
	}

	@Test
	@DisplayName("a batch answer gets the broker's denials appended")
	void batchExtra() throws Exception {
		Map<String, Object> denial = Map.of("jsonrpc", "2.0", "id", 9, "error", Map.of("code", -32001));
		List<?> out = (List<?>) McpMessages.read(filter(List.of(denial)).json(("[" + LIST + "]").getBytes(StandardCharsets.UTF_8)));
		assertEquals(2, out.size());
		assertEquals(9, ((Number) ((Map<?, ?>) out.get(1)).get("id")).intValue());
	}

	@Test
	@DisplayName("an unreadable JSON answer is not passed on unfiltered")
	void unreadable() {
		assertThrows(java.io.IOException.class, () -> filter(List.of()).json("{\"id\":7,".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	@DisplayName("SSE: events pass through byte for byte, a tools/list event is filtered, CRLF and CR line ends too")
	void sse() throws Exception {
		String stream = ": keepalive\n\nevent: message\nid: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
				+ "event: message\r\nid: 2\r\ndata: " + LIST + "\r\n\r\n"
				+ "data: " + LIST + "\r\r";
		Buffer in = new Buffer().writeUtf8(stream);
		String out = Okio.buffer(filter(List.of()).sse(in)).readUtf8();
		assertTrue(out.startsWith(": keepalive\n\nevent: message\nid: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"), out);
		assertFalse(out.contains("delete_page"), out);
		assertEquals(2, out.split("read_page", -1).length - 1, out);
		assertTrue(out.contains("event: message\nid: 2\ndata: "), out);
	}

	@Test
	@DisplayName("SSE: an event whose data cannot be read exactly (a key twice) is dropped rather than passed on unfiltered")
	void sseUnreadable() throws Exception {
		String twice = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"tools\":[{\"name\":\"delete_page\"}],\"tools\":[]}}";
		String out = Okio.buffer(filter(List.of()).sse(new Buffer().writeUtf8("data: " + twice + "\n\ndata: {\"id\":1}\n\n"))).readUtf8();
		assertEquals("data: {\"id\":1}\n\n", out);
	}

	@Test
	@DisplayName("SSE: each event is passed on as soon as it ends, before the stream goes on")
	void sseUnbuffered() throws Exception {
		Pipe pipe = new Pipe(1 << 20);
		BufferedSource out = Okio.buffer(filter(List.of()).sse(pipe.source()));
		var sink = Okio.buffer(pipe.sink());
		sink.writeUtf8("data: " + LIST + "\n\n").flush();
		pipe.source().timeout().timeout(5, TimeUnit.SECONDS);
		Buffer first = new Buffer();
		long n = out.read(first, 1 << 16);
		assertTrue(n > 0);
		String event = first.readUtf8();
		assertTrue(event.contains("read_page") && !event.contains("delete_page"), event);
		sink.writeUtf8("data: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}\n\n").close();
		assertEquals("data: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}\n\n", out.readUtf8());
	}

	@Test
	@DisplayName("SSE: the broker's denials come first, as events of their own; an unfinished last event is dropped")
	void sseExtraAndUnfinished() throws Exception {
		Map<String, Object> denial = Map.of("jsonrpc", "2.0", "id", 9);
		Source in = new Buffer().writeUtf8("data: {\"id\":1}\n\ndata: " + LIST);
		String out = Okio.buffer(filter(List.of(denial)).sse(in)).readUtf8();
		assertTrue(out.startsWith("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":9}\n\n") || out.startsWith("event: message\ndata: {\"id\":9"), out);
		assertTrue(out.endsWith("data: {\"id\":1}\n\n"), out);
		assertFalse(out.contains("delete_page"), out);
	}
}
