package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeminiTest {
	private final ProviderSpec gemini = Providers.GEMINI;

	@Test
	@DisplayName("gemini: generativelanguage.googleapis.com only, the key in x-goog-api-key, the model list as probe")
	void spec() {
		assertEquals("gemini", gemini.id());
		assertEquals("Google Gemini", gemini.displayName());
		assertEquals(List.of("generativelanguage.googleapis.com"), hosts(gemini));
		assertEquals(new Injection.Header("x-goog-api-key", "{secret}"), gemini.defaultInjection());
		assertEquals(Probe.get("/v1beta/models"), gemini.probe());
		assertTrue(gemini.oauth().isEmpty());
	}

	@Test
	@DisplayName("Gemini: GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY; curl lists the models")
	void snippets() {
		assertEquals(List.of("gemini", "curl"), snippetIds(gemini));
		assertEquals("export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9400/conn\nexport GEMINI_API_KEY=amk_TESTKEY", snippet(gemini, "gemini").text());
		assertTrue(snippet(gemini, "curl").text().startsWith("curl http://127.0.0.1:9400/conn/v1beta/models "));
	}
}
