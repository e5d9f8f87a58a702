package dev.amk.approvals;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BodySummaryTest {
	@Test
	void jsonIsPrettyAndMasked() {
		String body = "{\"commit_title\":\"Merge\",\"password\":\"hunter2hunter2\",\"note\":\"use sk-proj-abcdefghijklmnopqrstuvwx please\",\"n\":3}";
		String shown = BodySummary.of(body.getBytes(StandardCharsets.UTF_8), "application/json");
		assertTrue(shown.contains("\"commit_title\" : \"Merge\"") || shown.contains("\"commit_title\": \"Merge\""), shown);
		assertTrue(shown.contains("\n"), "pretty-printed: " + shown);
		assertFalse(shown.contains("hunter2"), shown);
		assertFalse(shown.contains("sk-proj-abcdefghijklmnopqrstuvwx"), shown);
		assertTrue(shown.contains("3"), shown);
	}

	@Test
	void textBinaryEmptyAndLong() {
		assertEquals("(no body)", BodySummary.of(new byte[0], null));
		assertTrue(BodySummary.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0}, "application/octet-stream").startsWith("(3 bytes of binary data"));
		assertEquals("a=1&b=2", BodySummary.of("a=1&b=2".getBytes(StandardCharsets.UTF_8), null));
		String huge = BodySummary.of("x".repeat(20_000).getBytes(StandardCharsets.UTF_8), null);
		assertTrue(huge.length() < 9_000 && huge.endsWith("more characters not shown)"), huge.substring(huge.length() - 60));
	}
}
