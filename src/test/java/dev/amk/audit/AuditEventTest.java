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
}
