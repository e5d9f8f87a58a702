package dev.amk.agents;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.db.Database;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.amk.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules an agent and its grants meet, each naming its field; the CLI and the app word them. */
class AgentRulesTest {
	private static final InvalidInput.Wording FLAGS = field -> "<" + field + ">";

	@Test
	@DisplayName("NAME: the agent name rule the app checks as the person types is the one create applies")
	void name() {
		assertEquals("research-bot", AgentService.requireValidName("research-bot"));
		refused(Field.NAME, Problem.MISSING, () -> AgentService.requireValidName(""));
		refused(Field.NAME, Problem.MALFORMED, () -> AgentService.requireValidName("bot\u007f"));
	}

	@Test
	@DisplayName("GRANT: a grant names a usable connection; the wording names the grant field")
	void grant() {
		InvalidInput missing = refused(Field.GRANT, Problem.MISSING, () -> Grant.parse(" "));
		assertEquals("A grant names a connection: <GRANT> CONN, <GRANT> CONN:read or <GRANT> CONN:GET,POST:/v1/**.", missing.message(FLAGS));
		refused(Field.GRANT, Problem.MALFORMED, () -> Grant.parse("my api:read"));
	}

	@Test
	@DisplayName("METHODS and PATHS: what a custom grant may hold")
	void methodsAndPaths() {
		refused(Field.METHODS, Problem.MALFORMED, () -> GrantRule.parse("FETCH"));
		refused(Field.PATHS, Problem.MALFORMED, () -> GrantRule.parse("GET:v1/chat"));
		refused(Field.PATHS, Problem.MALFORMED, () -> PathGlob.parse("/v1/**/x"));
		refused(Field.PATHS, Problem.MALFORMED, () -> PathGlob.parse("/v1/../admin"));
	}

	@Test
	@DisplayName("GRANT twice and an expiry in the past are refused before anything is stored")
	void create(@TempDir Path dir) {
		Instant now = Instant.parse("2026-06-01T00:00:00Z");
		AgentService agents = new AgentService(Database.openRegistry(dir), Clock.fixed(now, ZoneOffset.UTC), UsageSource.NONE);
		InvalidInput twice = refused(Field.GRANT, Problem.CONFLICT,
				() -> agents.create("bot", List.of(Grant.parse("gh:read"), Grant.parse("gh:full")), null));
		assertEquals("Connection 'gh' is granted twice; give one <GRANT> per connection.", twice.message(FLAGS));
		refused(Field.EXPIRY, Problem.MALFORMED, () -> agents.create("bot", List.of(), now.minusSeconds(1)));
		assertTrue(agents.list().isEmpty());
	}
}
