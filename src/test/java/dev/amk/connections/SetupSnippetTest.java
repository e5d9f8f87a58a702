package dev.amk.connections;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The setup text an agent's key comes with: one source for the CLI and the app. */
class SetupSnippetTest {
	private static final String KEY = "amk_TESTKEY";
	private static final String BASE = "http://127.0.0.1:9400/conn";

	private static SetupSnippet snippet(Provider p, String id) {
		return p.setupSnippets(BASE, KEY).stream().filter(s -> s.id().equals(id)).findFirst()
				.orElseThrow(() -> new AssertionError(p.id() + " has no '" + id + "' snippet"));
	}

	private static List<String> ids(Provider p) {
		return p.setupSnippets(BASE, KEY).stream().map(SetupSnippet::id).toList();
	}

	@Test
	@DisplayName("OpenAI SDKs: the base URL ends in /v1, the key goes in OPENAI_API_KEY")
	void openai() {
		assertEquals(List.of("openai-sdk", "curl"), ids(Provider.OPENAI));
		assertEquals("export OPENAI_BASE_URL=http://127.0.0.1:9400/conn/v1\nexport OPENAI_API_KEY=amk_TESTKEY",
				snippet(Provider.OPENAI, "openai-sdk").text());
		assertEquals("curl http://127.0.0.1:9400/conn/v1/models -H \"Authorization: Bearer amk_TESTKEY\"",
				snippet(Provider.OPENAI, "curl").text());
	}

	@Test
	@DisplayName("Anthropic: the SDKs get ANTHROPIC_API_KEY, Claude Code ANTHROPIC_AUTH_TOKEN, and each says which is which")
	void anthropic() {
		assertEquals(List.of("anthropic-sdk", "claude-code", "curl"), ids(Provider.ANTHROPIC));
		SetupSnippet sdk = snippet(Provider.ANTHROPIC, "anthropic-sdk");
		SetupSnippet claude = snippet(Provider.ANTHROPIC, "claude-code");
		assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9400/conn\nexport ANTHROPIC_API_KEY=amk_TESTKEY", sdk.text());
		assertEquals("export ANTHROPIC_BASE_URL=http://127.0.0.1:9400/conn\nexport ANTHROPIC_AUTH_TOKEN=amk_TESTKEY", claude.text());
		assertEquals("Claude Code", claude.title());
		assertTrue(claude.hint().contains("ANTHROPIC_AUTH_TOKEN") && claude.hint().contains("ANTHROPIC_API_KEY"), claude.hint());
		// Anthropic refuses requests without a version header, so the check line must send one.
		assertEquals("curl http://127.0.0.1:9400/conn/v1/models -H \"Authorization: Bearer amk_TESTKEY\" -H \"anthropic-version: 2023-06-01\"",
				snippet(Provider.ANTHROPIC, "curl").text());
	}

	@Test
	@DisplayName("Gemini: GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY; curl lists the models")
	void gemini() {
		assertEquals("export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:9400/conn\nexport GEMINI_API_KEY=amk_TESTKEY",
				snippet(Provider.GEMINI, "gemini").text());
		assertTrue(snippet(Provider.GEMINI, "curl").text().startsWith("curl http://127.0.0.1:9400/conn/v1beta/models "));
	}

	@Test
	@DisplayName("GitHub: GITHUB_API_URL and GH_TOKEN, and an Octokit client that reads the key from GH_TOKEN")
	void github() {
		assertEquals(List.of("github", "octokit", "curl"), ids(Provider.GITHUB));
		assertEquals("export GITHUB_API_URL=http://127.0.0.1:9400/conn\nexport GH_TOKEN=amk_TESTKEY", snippet(Provider.GITHUB, "github").text());
		String octokit = snippet(Provider.GITHUB, "octokit").text();
		assertTrue(octokit.contains("new Octokit({ baseUrl: \"http://127.0.0.1:9400/conn\", auth: process.env.GH_TOKEN })"), octokit);
		assertTrue(!octokit.contains(KEY), "the Octokit code takes the key from the environment, not from source");
		assertEquals("curl http://127.0.0.1:9400/conn/user -H \"Authorization: Bearer amk_TESTKEY\"", snippet(Provider.GITHUB, "curl").text());
	}

	@Test
	@DisplayName("a custom API gets a generic base URL and key, and a curl line on its root")
	void custom() {
		assertEquals("export BASE_URL=http://127.0.0.1:9400/conn\nexport API_KEY=amk_TESTKEY", snippet(Provider.CUSTOM, "custom").text());
		assertEquals("curl http://127.0.0.1:9400/conn/ -H \"Authorization: Bearer amk_TESTKEY\"", snippet(Provider.CUSTOM, "curl").text());
	}

	@Test
	@DisplayName("the CLI's setup lines are the first snippet's variables, unchanged from before")
	void agentSetupIsTheFirstSnippet() {
		Map<Provider, List<String>> expected = Map.of(
				Provider.OPENAI, List.of("OPENAI_BASE_URL=" + BASE + "/v1", "OPENAI_API_KEY=" + KEY),
				Provider.ANTHROPIC, List.of("ANTHROPIC_BASE_URL=" + BASE, "ANTHROPIC_API_KEY=" + KEY),
				Provider.GEMINI, List.of("GOOGLE_GEMINI_BASE_URL=" + BASE, "GEMINI_API_KEY=" + KEY),
				Provider.GITHUB, List.of("GITHUB_API_URL=" + BASE, "GH_TOKEN=" + KEY),
				Provider.GOOGLE, List.of("GOOGLE_API_BASE_URL=" + BASE, "GOOGLE_ACCESS_TOKEN=" + KEY),
				Provider.SLACK, List.of("SLACK_API_URL=" + BASE + "/", "SLACK_TOKEN=" + KEY),
				Provider.NOTION, List.of("NOTION_BASE_URL=" + BASE, "NOTION_TOKEN=" + KEY),
				Provider.LINEAR, List.of("LINEAR_API_URL=" + BASE + "/graphql", "LINEAR_ACCESS_TOKEN=" + KEY),
				Provider.CUSTOM, List.of("BASE_URL=" + BASE, "API_KEY=" + KEY),
				Provider.OAUTH, List.of("BASE_URL=" + BASE, "API_KEY=" + KEY));
		for (Provider p : Provider.values()) {
			assertEquals(expected.get(p), p.agentSetup(BASE, KEY), p.id());
		}
	}

	@Test
	@DisplayName("every provider: unique ids, a title and hint on each block, a curl check last, the key where it is needed")
	void everyProvider() {
		for (Provider p : Provider.values()) {
			List<SetupSnippet> snippets = p.setupSnippets(BASE, KEY);
			Set<String> seen = new HashSet<>();
			for (SetupSnippet s : snippets) {
				assertTrue(seen.add(s.id()), p.id() + ": duplicate id " + s.id());
				assertTrue(!s.title().isBlank() && !s.hint().isBlank() && !s.text().isBlank(), p.id() + "/" + s.id());
				assertTrue(s.text().contains(KEY) || s.id().equals("octokit"), p.id() + "/" + s.id() + " lacks the key");
				assertTrue(s.text().contains(BASE), p.id() + "/" + s.id() + " lacks the broker's URL");
			}
			assertEquals("curl", snippets.getLast().id(), p.id());
		}
	}

	@Test
	@DisplayName("a block with variables and code pastes as exports, a blank line, then the code")
	void textJoinsEnvAndCode() {
		SetupSnippet s = new SetupSnippet("x", "X", "hint", List.of(new SetupSnippet.EnvVar("A", "1")), List.of("run a"));
		assertEquals("export A=1\n\nrun a", s.text());
		assertEquals("http://127.0.0.1:9323/openai", SetupSnippet.proxyBase(9323, "openai"));
	}
}
