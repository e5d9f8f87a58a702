package dev.amk.mcp;

import dev.amk.agents.GrantRule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolGateTest {
	private static final GrantRule READ_TOOLS = GrantRule.parse("tools=read_*,search");

	private static ToolGate.Verdict decide(String body, GrantRule rule) throws McpMessages.Unreadable {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return ToolGate.decide(McpMessages.parse(bytes), bytes, rule::allowsTool, rule.limitsTools());
	}

	private static String call(Object id, String tool) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":" + McpMessages.write(tool) + ",\"arguments\":{}}}";
	}

	@Test
	@DisplayName("a granted tool call goes on byte for byte; a denied one is answered with the contract's error and the same id")
	void singleCalls() throws Exception {
		String allowed = call(1, "read_page");
		ToolGate.Verdict ok = decide(allowed, READ_TOOLS);
		assertFalse(ok.nothingForwarded());
		assertEquals(allowed, new String(ok.forwardedBody(), StandardCharsets.UTF_8));
		assertEquals("tools/call", ok.auditMethod());
		assertEquals("read_page", ok.auditTool());

		ToolGate.Verdict denied = decide(call("\"abc-7\"", "delete_page"), READ_TOOLS);
		assertTrue(denied.nothingForwarded());
		Map<String, Object> answer = McpMessages.read(denied.brokerAnswer().getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> m
				? cast(m) : Map.of();
		assertEquals("abc-7", answer.get("id"));
		Map<String, Object> error = cast((Map<?, ?>) answer.get("error"));
		assertEquals(-32001, ((Number) error.get("code")).intValue());
		assertEquals("tool_denied", cast((Map<?, ?>) error.get("data")).get("type"));
	}

	@ParameterizedTest
	@ValueSource(strings = {"Read_page", "READ_PAGE", "read\u200b_page", "rеad_page", "search ", " search", "searc", "search\u0000", "ｓearch"})
	@DisplayName("tool names are compared exactly: case, look-alikes, invisible or extra characters never widen a grant")
	void exactNames(String name) throws Exception {
		assertTrue(decide(call(3, name), READ_TOOLS).nothingForwarded(), name);
	}

	@Test
	@DisplayName("a numeric id comes back as the same number, a large one included")
	void idsKept() throws Exception {
		ToolGate.Verdict v = decide(call("12345678901234567890", "delete"), READ_TOOLS);
		assertTrue(v.brokerAnswer().contains("\"id\":12345678901234567890"), v.brokerAnswer());
	}

	@Test
	@DisplayName("a batch is split: granted messages go on as a batch, denials come from the broker, tools/list ids are noted")
	void batch() throws Exception {
		String body = "[" + call(1, "read_a") + "," + call(2, "drop_db") + ",{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"},"
				+ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]";
		ToolGate.Verdict v = decide(body, READ_TOOLS);
		assertEquals(3, v.forwarded().size());
		List<?> forwarded = (List<?>) McpMessages.read(v.forwardedBody());
		assertEquals(3, forwarded.size());
		assertFalse(new String(v.forwardedBody(), StandardCharsets.UTF_8).contains("drop_db"));
		assertEquals(1, v.denials().size());
		assertEquals(2, ((Number) v.denials().getFirst().get("id")).intValue());
		assertEquals(java.util.Set.of("3"), v.toolListIds());
		assertEquals("tools/call,tools/list,notifications/initialized", v.auditMethod());
		assertEquals("read_a,drop_db", v.auditTool());
	}

	@Test
	@DisplayName("a full grant forwards every message and filters nothing")
	void fullGrant() throws Exception {
		ToolGate.Verdict v = decide("[" + call(1, "anything") + ",{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}]", GrantRule.FULL);
		assertEquals(2, v.forwarded().size());
		assertTrue(v.toolListIds().isEmpty());
		assertFalse(v.denied());
	}

	@Test
	@DisplayName("a tools/call without a string name is denied under a tool grant")
	void noName() throws Exception {
		assertTrue(decide("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":[\"read_a\"]}}", READ_TOOLS).nothingForwarded());
		assertNull(decide("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}", READ_TOOLS).forwarded().stream().findAny()
				.orElse(null));
	}

	@Test
	@DisplayName("bodies the server could read another way are refused: a key twice, not UTF-8, a BOM, not JSON-RPC")
	void strict() {
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
				+ "{\"name\":\"read_a\",\"name\":\"drop_db\"}}").getBytes(StandardCharsets.UTF_8)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse(("{\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\"}")
				.getBytes(StandardCharsets.UTF_8)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse(call(1, "read_a").getBytes(StandardCharsets.UTF_16)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse(("\uFEFF" + call(1, "read_a")).getBytes(StandardCharsets.UTF_8)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse("[]".getBytes(StandardCharsets.UTF_8)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse("[1]".getBytes(StandardCharsets.UTF_8)));
		assertThrows(McpMessages.Unreadable.class, () -> McpMessages.parse((call(1, "read_a") + call(2, "drop")).getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	@DisplayName("an escaped name is read as the server reads it")
	void escapes() throws Exception {
		assertTrue(decide("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\u0064rop\"}}", READ_TOOLS).nothingForwarded());
		assertFalse(decide("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\u0072ead_x\"}}", READ_TOOLS).nothingForwarded());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> cast(Map<?, ?> m) {
		return (Map<String, Object>) m;
	}
}
