package dev.amk.audit;

import dev.amk.agents.AgentKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditEventTest {
	private static AuditEvent withPath(String path) {
		return new AuditEvent(0, Instant.EPOCH, null, null, "openai", "GET", path, 200, AuditEvent.ALLOWED, null, 1, 0, 0);
	}

	@Test
	@DisplayName("an agent key pasted into a path is redacted before the row exists")
	void redactsKeysInPaths() {
		String key = AgentKey.generate();
		AuditEvent e = withPath("/v1/files/" + key + "/content");
		assertFalse(e.path().contains(key.substring(4)));
		assertEquals("/v1/files/amk_[redacted]/content", e.path());
	}

	@Test
	@DisplayName("ordinary paths, and words that merely start with amk_, are kept")
	void keepsOrdinaryPaths() {
		assertEquals("/v1/models", withPath("/v1/models").path());
		assertEquals("/repos/amk_tools/issues", withPath("/repos/amk_tools/issues").path());
	}

	@Test
	@DisplayName("very long paths are cut to 2 KiB")
	void capsLength() {
		String p = withPath("/" + "a".repeat(5000)).path();
		assertTrue(p.length() <= 2049, String.valueOf(p.length()));
		assertTrue(p.endsWith("…"));
	}

	@org.junit.jupiter.api.Test
	@org.junit.jupiter.api.DisplayName("MCP rows carry mcp_method and tool in JSON and in the Activity summary, redacted and bounded")
	void mcpFields() {
		AuditEvent e = new AuditEvent(0, Instant.EPOCH, 1L, "bot", "docs", "POST", "", 200, AuditEvent.DENIED, "tool_denied", 1, 10, 20,
				"tools/call", "delete_page");
		assertEquals("tools/call", e.toJson().get("mcp_method"));
		assertEquals("delete_page", e.toJson().get("tool"));
		assertEquals("tools/call delete_page", e.mcpSummary());
		assertEquals(null, withPath("/x").mcpSummary());
		assertTrue(withPath("/x").toJson().containsKey("mcp_method"), "the field is there, null, for other traffic");
		AuditEvent leaky = new AuditEvent(0, Instant.EPOCH, 1L, "bot", "docs", "POST", "", 200, AuditEvent.ALLOWED, null, 1, 10, 20,
				"tools/call", "amk_" + "A".repeat(40) + "x".repeat(1000));
		assertTrue(leaky.tool().startsWith("amk_[redacted]") && leaky.tool().length() < 600, leaky.tool());
	}
}
