package dev.amk.providers;

import dev.amk.common.AmkException;
import dev.amk.connections.BaseUrls;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue: ids as stored in the registry, the lists the CLI and the app derive from it. */
class ProvidersTest {

	@Test
	@DisplayName("the ids stored in SQLite and typed after --provider never change")
	void storedIds() {
		assertEquals(List.of("openai", "anthropic", "gemini", "github", "google", "slack", "notion", "linear", "aws", "gcp", "custom", "oauth", "mcp"),
				Providers.all().stream().map(ProviderSpec::id).toList());
	}

	@ParameterizedTest
	@ValueSource(strings = {"openai", "OpenAI", "OPENAI", "anthropic", "Gemini", "github", "CUSTOM"})
	void byIdIsCaseInsensitive(String id) {
		ProviderSpec p = Providers.byId(id);
		assertEquals(id.toLowerCase(Locale.ROOT), p.id());
	}

	@Test
	void everyProviderIsFoundByItsId() {
		for (ProviderSpec p : Providers.all()) {
			assertSame(p, Providers.byId(p.id()));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = {"azure", "", "open ai", "openai2"})
	void anUnknownIdListsTheChoices(String id) {
		AmkException e = assertThrows(AmkException.class, () -> Providers.byId(id));
		assertEquals("invalid_argument", e.type());
		assertTrue(e.getMessage().contains("'" + id + "'"), e.getMessage());
		List<String> ids = Providers.all().stream().map(ProviderSpec::id).toList();
		assertTrue(e.getMessage().contains(String.join(", ", ids)), e.getMessage());
	}

	@Test
	@DisplayName("every provider: a name, an https default upstream (or none), a header injection (or none), its base host owned")
	void knownProvidersHaveValidDefaults() {
		Set<String> names = new HashSet<>();
		for (ProviderSpec p : Providers.all()) {
			assertTrue(names.add(p.displayName()), "duplicate display name " + p.displayName());
			assertTrue(p.probe().path() == null || p.probe().path().startsWith("/"), p.id());
			if (p.defaultInjection() == null) {
				assertSame(Providers.CUSTOM, p, "only a custom API leaves the injection to the person");
			} else {
				assertTrue(p.defaultInjection() instanceof Injection.Header, p.id());
			}
			if (p.defaultBaseUrl() == null) {
				assertTrue(p == Providers.CUSTOM || p == Providers.OAUTH || p == Providers.MCP, p.id() + ": only custom and generic OAuth APIs and MCP"
						+ " servers come from the person");
				continue;
			}
			okhttp3.HttpUrl base = BaseUrls.parse(p.defaultBaseUrl());
			assertEquals("https", base.scheme(), p.id());
			assertTrue(p.hosts(base).stream().anyMatch(h -> h.matches(base.host())), p.id() + " owns its own upstream's host");
		}
	}

	@Test
	@DisplayName("connection add takes the providers with keys; connection connect those with an OAuth profile, whose back-reference is right")
	void derivedLists() {
		assertEquals(List.of("openai", "anthropic", "gemini", "github", "slack", "notion", "linear", "aws", "gcp", "custom", "mcp"),
				Providers.withApiKeys().stream().map(ProviderSpec::id).toList());
		assertEquals(List.of("github", "google", "slack", "notion", "linear", "oauth"), Providers.withOAuth().stream().map(ProviderSpec::id).toList());
		for (ProviderSpec p : Providers.withOAuth()) {
			assertSame(p, Providers.oauthOf(p).provider(), p.id());
		}
		assertEquals("github, google, slack, notion, linear or oauth", Providers.idsInWords(Providers.withOAuth()));
	}

	@Test
	@DisplayName("asking an API-key provider for OAuth says how to connect it instead, and lists the OAuth providers")
	void noOAuth() {
		AmkException e = assertThrows(AmkException.class, () -> Providers.oauthOf(Providers.OPENAI));
		assertEquals("invalid_argument", e.type());
		assertTrue(e.getMessage().contains("amk connection add NAME --provider openai"), e.getMessage());
		assertTrue(e.getMessage().contains("github, google, slack, notion, linear, oauth"), e.getMessage());
	}

	@Test
	@DisplayName("a *. host pattern matches subdomains only; an exact one only itself")
	void hostPatterns() {
		OwnedHost any = OwnedHost.of("*.googleapis.com");
		assertTrue(any.matches("gmail.googleapis.com"));
		assertTrue(!any.matches("googleapis.com") && !any.matches("evilgoogleapis.com"));
		OwnedHost exact = OwnedHost.of("api.github.com");
		assertTrue(exact.matches("api.github.com") && !exact.matches("x.api.github.com"));
		assertThrows(IllegalArgumentException.class, () -> OwnedHost.of("api.*.com"));
		assertThrows(IllegalArgumentException.class, () -> OwnedHost.of("*evil.com"));
		assertNull(exact.injection());
	}
}
