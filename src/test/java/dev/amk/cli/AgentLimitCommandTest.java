package dev.amk.cli;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk agent limit}, the limit options of {@code agent create}, and {@code amk agent list}'s limits, run in-process on a real data folder. */
class AgentLimitCommandTest {
	@TempDir
	Path home;

	BrokerFixture broker;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", "https://api.openai.com", "sk-x");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> limits(String... args) {
		BrokerFixture.CliResult r = broker.cli(args);
		assertEquals(0, r.exit(), r.err());
		return (Map<String, Object>) r.json().get("limits");
	}

	@Test
	@DisplayName("options given change those limits, the others stay; 'none' removes one; --clear removes all")
	void changeSomeKeepOthers() {
		assertEquals(0, broker.cli("agent", "create", "bot", "--grant", "openai", "--rpm", "60", "--daily-usd", "5").exit());
		Map<String, Object> l = limits("agent", "limit", "bot", "--concurrent", "4", "--models", "gpt-4o*,o3", "--json");
		assertEquals(60, ((Number) l.get("rpm")).intValue());
		assertEquals(4, ((Number) l.get("concurrent")).intValue());
		assertEquals("5", l.get("daily_usd"));
		assertEquals(List.of("gpt-4o*", "o3"), l.get("models"));

		l = limits("agent", "limit", "bot", "--rpm", "none", "--monthly-usd", "$20.50", "--pause-on-budget", "--json");
		assertNull(l.get("rpm"));
		assertEquals("20.5", l.get("monthly_usd"));
		assertEquals(Boolean.TRUE, l.get("pause_on_budget"));

		String listed = broker.cli("agent", "list").out();
		assertTrue(listed.contains("LIMITS") && listed.contains("4 at once · $5.00/day · $20.50/month · gpt-4o*,o3 · pause on budget"), listed);
		assertTrue(broker.cli("agent", "limit", "bot").out().contains("'bot' has limits: 4 at once"), "no option shows the limits");

		l = limits("agent", "limit", "bot", "--clear", "--daily-tokens", "100000", "--json");
		assertEquals(Map.of("daily_tokens", 100000), Map.of("daily_tokens", ((Number) l.get("daily_tokens")).intValue()));
		assertNull(l.get("concurrent"));
		assertEquals(List.of(), l.get("models"));
		limits("agent", "limit", "bot", "--clear", "--json");
		assertTrue(broker.cli("agent", "list").out().contains(" none "), "no limits left");
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({
			"--rpm,         0",
			"--rpm,         fast",
			"--concurrent,  0.5",
			"--daily-usd,   -5",
			"--daily-usd,   0.0000001",
			"--monthly-usd, lots",
			"--models,      'gpt 4'",
	})
	@DisplayName("a bad value is refused with what to give, and nothing changes")
	void badValues(String option, String value) {
		assertEquals(0, broker.cli("agent", "create", "bot", "--grant", "openai", "--rpm", "10").exit());
		BrokerFixture.CliResult r = broker.cli("agent", "limit", "bot", option, value, "--daily-tokens", "3");
		assertEquals(1, r.exit(), r.out());
		assertTrue(r.err().contains("invalid_argument") || r.err().contains(option) || r.err().contains("glob") || r.err().contains("dollars"), r.err());
		assertEquals("10 rpm", broker.cli("agent", "limit", "bot").out().replaceAll(".*limits: (.*)\\.\\s*", "$1"));
		BrokerFixture.CliResult create = broker.cli("agent", "create", "other", option, value);
		assertEquals(1, create.exit());
		assertEquals(1, broker.cli("agent", "limit", "other").exit(), "no agent was created either");
	}

	@Test
	@DisplayName("amk usage with nothing recorded says so; an unknown --agent is not_found")
	void usageEmpty() {
		assertEquals(0, broker.cli("agent", "create", "bot", "--grant", "openai").exit());
		BrokerFixture.CliResult r = broker.cli("usage");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().contains("No LLM usage recorded"), r.out());
		assertEquals(List.of(), broker.cli("usage", "--json").json().get("usage"));
		assertEquals(1, broker.cli("usage", "--agent", "ghost").exit());
	}
}
