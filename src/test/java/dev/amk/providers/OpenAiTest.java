package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiTest {
	private final ProviderSpec openai = Providers.OPENAI;

	@Test
	@DisplayName("openai: api.openai.com, the key as a Bearer token, the model list as probe")
	void spec() {
		assertEquals("openai", openai.id());
		assertEquals("https://api.openai.com", openai.defaultBaseUrl());
		assertEquals(List.of("api.openai.com"), hosts(openai));
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), openai.defaultInjection());
		assertEquals(Probe.get("/v1/models"), openai.probe());
		assertTrue(openai.takesApiKey());
		assertTrue(openai.oauth().isEmpty());
	}

	@Test
	@DisplayName("OpenAI SDKs: the base URL ends in /v1, the key goes in OPENAI_API_KEY")
	void snippets() {
		assertEquals(List.of("openai-sdk", "curl"), snippetIds(openai));
		assertEquals("export OPENAI_BASE_URL=http://127.0.0.1:9400/conn/v1\nexport OPENAI_API_KEY=amk_TESTKEY", snippet(openai, "openai-sdk").text());
		assertEquals("curl http://127.0.0.1:9400/conn/v1/models -H \"Authorization: Bearer amk_TESTKEY\"", snippet(openai, "curl").text());
	}

	@Test
	@DisplayName("a connection to another address (Azure, a gateway) also owns that address's host")
	void anotherBaseUrl() {
		assertEquals(List.of("api.openai.com", "gateway.example.com"), hosts(openai, "https://gateway.example.com/openai"));
	}
}
