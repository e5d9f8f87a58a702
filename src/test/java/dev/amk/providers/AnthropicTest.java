package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnthropicTest {
	private final ProviderSpec anthropic = Providers.ANTHROPIC;

	@Test
	@DisplayName("anthropic: api.anthropic.com, the key in x-api-key, a probe that sends the version header")
	void spec() {
		assertEquals("anthropic", anthropic.id());
		assertEquals(List.of("api.anthropic.com"), hosts(anthropic));
		assertEquals(new Injection.Header("x-api-key", "{secret}"), anthropic.defaultInjection());
		assertEquals("/v1/models", anthropic.probe().path());
		assertEquals(Map.of("anthropic-version", "2023-06-01"), anthropic.probe().headers());
		assertTrue(anthropic.oauth().isEmpty());
	}

	@Test
	@DisplayName("Anthropic: the SDKs get ANTHROPIC_API_KEY, Claude Code ANTHROPIC_AUTH_TOKEN, and each says which is which")
	void snippets() {
		assertEquals(List.of("anthropic-sdk", "claude-code", "curl"), snippetIds(anthropic));
		SetupSnippet sdk = snippet(anthropic, "anthropic-sdk");
		SetupSnippet claude = snippet(anthropic, "claude-code");
		assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9400/conn\nexport ANTHROPIC_API_KEY=amk_TESTKEY", sdk.text());
		assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9400/conn\nexport ANTHROPIC_AUTH_TOKEN=amk_TESTKEY", claude.text());
		assertEquals("Claude Code", claude.title());
		assertTrue(claude.hint().contains("ANTHROPIC_AUTH_TOKEN") && claude.hint().contains("ANTHROPIC_API_KEY"), claude.hint());
		// Anthropic refuses requests without a version header, so the check line must send one.
		assertEquals("curl http://127.0.0.1:9400/conn/v1/models -H \"Authorization: Bearer amk_TESTKEY\" -H \"anthropic-version: 2023-06-01\"",
				snippet(anthropic, "curl").text());
	}
}
