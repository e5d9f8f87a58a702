package dev.amk.agents;

import dev.amk.common.InvalidInput;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolGlobTest {
	@ParameterizedTest(name = "{0} ~ {1}: {2}")
	@CsvSource({"read_*, read_page, true", "read_*, read_, true", "read_*, Read_page, false", "read_*, xread_page, false",
			"*_page, delete_page, true", "a*b*c, axxbyyc, true", "a*b*c, axxbyy, false", "search, search, true", "search, searchx, false",
			"*, anything, true", "**, '', true"})
	void matches(String pattern, String name, boolean expected) {
		assertEquals(expected, new ToolGlob(pattern).matches(name));
	}

	@Test
	@DisplayName("a long pathological name is matched quickly (no exponential backtracking)")
	void linear() {
		String name = "a".repeat(20_000) + "b";
		long start = System.nanoTime();
		assertFalse(new ToolGlob("*a*a*a*a*a*a*c").matches(name));
		assertTrue(System.nanoTime() - start < 5_000_000_000L);
	}

	@Test
	@DisplayName("tools= grants: parsed, printed back, stored and read back; every method and path, only the tools named")
	void grants() {
		Grant g = Grant.parse("docs:tools=read_*, search");
		assertEquals("docs", g.connection());
		assertTrue(g.rule().limitsTools());
		assertEquals("tools=read_*,search", g.rule().toSpec());
		assertEquals("docs (tools read_*,search)", g.describe());
		assertTrue(g.rule().allowsTool("read_page") && g.rule().allowsTool("search") && !g.rule().allowsTool("delete"));
		assertTrue(g.rule().allowsMethod("DELETE"));
		GrantRule back = GrantRule.fromColumns(g.rule().preset().id(), g.rule().methodsColumn(), g.rule().pathsColumn(), null, null,
				g.rule().toolsColumn());
		assertEquals(g.rule(), back);
		assertNull(GrantRule.FULL.toolsColumn());
		assertTrue(GrantRule.FULL.allowsTool("anything"));
		assertEquals(List.of(new ToolGlob("read_*"), new ToolGlob("search")), back.tools());
	}

	@Test
	@DisplayName("tools= with nothing after it grants the server but none of its tools (the editor with every tool unticked); printed and stored back alike")
	void noTools() {
		Grant g = Grant.parse("docs:tools=");
		assertTrue(g.rule().limitsTools());
		assertEquals(List.of(), g.rule().tools());
		assertFalse(g.rule().allowsTool("read_page") || g.rule().allowsTool(""));
		assertTrue(g.rule().allowsMethod("POST"), "the server's other methods stay reachable");
		assertEquals("tools=", g.rule().toSpec());
		assertEquals("docs (no tools)", g.describe());
		assertEquals("", g.rule().toolsColumn());
		assertEquals(g.rule(), GrantRule.fromColumns("full", "*", "/**", null, null, ""));
		assertEquals(g.rule(), GrantRule.withTools(List.of()));
		assertEquals(g, Grant.parse("docs:" + g.rule().toSpec()));
	}

	@ParameterizedTest
	@ValueSource(strings = {"docs:tools= , ", "docs:tools=,", "docs:tools=read me", "docs:tools=a\u0001b"})
	void refused(String spec) {
		assertThrows(InvalidInput.class, () -> Grant.parse(spec));
	}
}
