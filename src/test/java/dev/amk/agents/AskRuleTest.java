package dev.amk.agents;

import dev.amk.common.InvalidInput;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The approval rule grammar, CONN:ask:METHODS:PATHS, and its round trip through the stored columns. */
class AskRuleTest {
	@Test
	@DisplayName("CONN:ask:METHODS:PATHS covers those methods on those paths, and prints back as typed")
	void parses() {
		Grant g = Grant.parse("github:ask:PUT,POST:/repos/**");
		assertEquals("github", g.connection());
		assertEquals(GrantRule.Preset.ASK, g.rule().preset());
		assertEquals(Set.of("PUT", "POST"), g.rule().methods());
		assertTrue(g.rule().covers("PUT", List.of("repos", "acme", "api", "pulls", "1", "merge")));
		assertFalse(g.rule().covers("GET", List.of("repos", "acme")));
		assertFalse(g.rule().covers("PUT", List.of("user")));
		assertEquals("ask:POST,PUT:/repos/**", g.rule().toSpec());
		assertEquals(g.rule(), GrantRule.fromColumns("ask", g.rule().methodsColumn(), g.rule().pathsColumn()));
		assertEquals("github (ask before POST,PUT on /repos/**)", g.describe());
	}

	@Test
	@DisplayName("CONN:ask alone asks before everything; ask twice or an unknown method is refused")
	void edges() {
		GrantRule all = Grant.parse("slack:ask").rule();
		assertEquals(GrantRule.Preset.ASK, all.preset());
		assertTrue(all.covers("DELETE", List.of("anything")));
		assertEquals(GrantRule.Preset.ASK, Grant.parse("slack:ask:read").rule().preset());
		assertThrows(InvalidInput.class, () -> Grant.parse("slack:ask:ask:POST"));
		assertThrows(InvalidInput.class, () -> Grant.parse("slack:ask:FETCH:/x"));
	}
}
