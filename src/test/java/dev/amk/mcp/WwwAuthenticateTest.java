package dev.amk.mcp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WwwAuthenticateTest {
	@Test
	@DisplayName("Bearer parameters: quoted with escapes, tokens, other schemes skipped")
	void parses() {
		Map<String, String> p = WwwAuthenticate.bearerParameters("Basic realm=\"x\", Bearer error=\"invalid_token\", "
				+ "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", scope=\"files:read \\\"q\\\"\"");
		assertEquals("https://mcp.example.com/.well-known/oauth-protected-resource/mcp", p.get("resource_metadata"));
		assertEquals("files:read \"q\"", p.get("scope"));
		assertEquals("invalid_token", p.get("error"));
		assertTrue(WwwAuthenticate.bearerParameters("Basic realm=\"x\"").isEmpty());
		assertEquals("a", WwwAuthenticate.bearerParameters("Bearer resource_metadata=a").get("resource_metadata"));
	}
}
