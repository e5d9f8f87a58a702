package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The setup text an agent's key comes with: one source for the CLI and the app. Each provider's own blocks are in its test. */
class SetupSnippetTest {
	private static final String KEY = Specs.KEY;
	private static final String BASE = Specs.BASE;

	@Test
	@DisplayName("the CLI's setup lines are the first snippet's variables, unchanged from before")
	void agentSetupIsTheFirstSnippet() {
		Map<ProviderSpec, List<String>> expected = Map.ofEntries(
				Map.entry(Providers.OPENAI, List.of("OPENAI_BASE_URL=" + BASE + "/v1", "OPENAI_API_KEY=" + KEY)),
				Map.entry(Providers.ANTHROPIC, List.of("ANTHROPIC_BASE_URL=" + BASE, "ANTHROPIC_API_KEY=" + KEY)),
				Map.entry(Providers.GEMINI, List.of("GOOGLE_GEMINI_BASE_URL=" + BASE, "GEMINI_API_KEY=" + KEY)),
				Map.entry(Providers.GITHUB, List.of("GITHUB_API_URL=" + BASE, "GH_TOKEN=" + KEY)),
				Map.entry(Providers.GOOGLE, List.of("GOOGLE_API_BASE_URL=" + BASE, "GOOGLE_ACCESS_TOKEN=" + KEY)),
				Map.entry(Providers.SLACK, List.of("SLACK_API_URL=" + BASE + "/", "SLACK_TOKEN=" + KEY)),
				Map.entry(Providers.NOTION, List.of("NOTION_BASE_URL=" + BASE, "NOTION_TOKEN=" + KEY)),
				Map.entry(Providers.LINEAR, List.of("LINEAR_API_URL=" + BASE + "/graphql", "LINEAR_ACCESS_TOKEN=" + KEY)),
				Map.entry(Providers.CUSTOM, List.of("BASE_URL=" + BASE, "API_KEY=" + KEY)),
				Map.entry(Providers.OAUTH, List.of("BASE_URL=" + BASE, "API_KEY=" + KEY)),
				// The broker signs AWS requests itself: the agent's tools get placeholders, never its key.
				Map.entry(Providers.AWS, List.of("AWS_ACCESS_KEY_ID=AKIAAMKPLACEHOLDER00", "AWS_SECRET_ACCESS_KEY=amk-placeholder")),
				// Google Cloud tools find the token the broker injects without any variable of their own.
				Map.entry(Providers.GCP, List.of()),
				Map.entry(Providers.MCP, List.of("MCP_URL=" + BASE, "MCP_AUTHORIZATION=Bearer " + KEY)));
		for (ProviderSpec p : Providers.all()) {
			assertEquals(expected.get(p), p.agentSetup(BASE, KEY), p.id());
		}
	}

	@Test
	@DisplayName("every provider: unique ids, a title and hint on each block, a curl check last, the key where it is needed")
	void everyProvider() {
		for (ProviderSpec p : Providers.all()) {
			List<SetupSnippet> snippets = p.setupSnippets(BASE, KEY);
			Set<String> seen = new HashSet<>();
			for (SetupSnippet s : snippets) {
				assertTrue(seen.add(s.id()), p.id() + ": duplicate id " + s.id());
				assertTrue(!s.title().isBlank() && !s.hint().isBlank() && !s.text().isBlank(), p.id() + "/" + s.id());
				if (p.signsRequests()) {
					assertTrue(!s.text().contains(KEY), p.id() + "/" + s.id() + ": a signed provider's tools never hold the key");
					continue;
				}
				assertTrue(s.text().contains(KEY) || s.id().equals("octokit"), p.id() + "/" + s.id() + " lacks the key");
				assertTrue(s.text().contains(BASE), p.id() + "/" + s.id() + " lacks the broker's URL");
			}
			if (!p.signsRequests()) {
				assertEquals("curl", snippets.getLast().id(), p.id());
			}
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
