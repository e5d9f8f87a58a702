package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CustomTest {
	private final ProviderSpec custom = Providers.CUSTOM;

	@Test
	@DisplayName("custom: the person gives the base URL and the injection; it owns its base URL's host")
	void spec() {
		assertEquals("custom", custom.id());
		assertNull(custom.defaultBaseUrl());
		assertNull(custom.defaultInjection());
		assertTrue(custom.takesApiKey());
		assertTrue(custom.oauth().isEmpty());
		assertEquals(List.of("api.example.com"), hosts(custom, "https://api.example.com/v1"));
	}

	@Test
	@DisplayName("its probe is the base URL, which shows the address answers but not that the key is right; messages name the host")
	void probe() {
		assertNull(custom.probe().path());
		assertFalse(custom.probe().provesKey());
		assertEquals("api.example.com", custom.upstreamName("api.example.com"));
	}

	@Test
	@DisplayName("a custom API gets a generic base URL and key, and a curl line on its root")
	void snippets() {
		assertEquals(List.of("custom", "curl"), snippetIds(custom));
		assertEquals("export BASE_URL=http://127.0.0.1:9400/conn\nexport API_KEY=amk_TESTKEY", snippet(custom, "custom").text());
		assertEquals("curl http://127.0.0.1:9400/conn/ -H \"Authorization: Bearer amk_TESTKEY\"", snippet(custom, "curl").text());
	}
}
