package dev.amk.agents;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathGlobTest {

	/** "/a/b" → [a, b]; "/" → [] (the connection root); a trailing slash leaves an empty last segment. */
	private static List<String> segs(String path) {
		return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
	}

	private static boolean matches(String pattern, String path) {
		return PathGlob.parse(pattern).matches(segs(path));
	}

	@Test
	void everythingMatchesEveryPathIncludingTheRoot() {
		assertEquals(PathGlob.parse("/**"), PathGlob.EVERYTHING);
		assertTrue(PathGlob.EVERYTHING.matches(List.of()));
		assertTrue(PathGlob.EVERYTHING.matches(List.of("")));
		assertTrue(PathGlob.EVERYTHING.matches(List.of("a")));
		assertTrue(PathGlob.EVERYTHING.matches(List.of("a", "b", "c", "d", "")));
	}

	@Test
	void parseKeepsPatternAndSegments() {
		PathGlob g = PathGlob.parse("/repos/*/issues");
		assertEquals("/repos/*/issues", g.pattern());
		assertEquals(List.of("repos", "*", "issues"), g.segments());
	}

	@ParameterizedTest
	@CsvSource({
			"/repos/acme/issues, true",
			"/repos/x/issues, true",
			"/repos/acme/pulls, false",
			"/repos/acme/issues/1, false",
			"/repos/acme, false",
			"/repo/acme/issues, false",
			"/REPOS/acme/issues, false",
	})
	void starMatchesExactlyOneSegment(String path, boolean expected) {
		assertEquals(expected, matches("/repos/*/issues", path));
	}

	@ParameterizedTest
	@CsvSource({
			"/v1, true",
			"/v1beta, true",
			"/v1*, true",
			"/v2, false",
			"/xv1, false",
			"/v1/models, false",
			"/, false",
	})
	void starAtTheEndOfASegmentMatchesByPrefix(String path, boolean expected) {
		assertEquals(expected, matches("/v1*", path));
	}

	@ParameterizedTest
	@CsvSource({
			"/files/report.json, true",
			"/files/.json, true",
			"/files/report.jsonx, false",
			"/files/json, false",
			"/files/a/b.json, false",
	})
	void starAtTheStartOfASegmentMatchesBySuffix(String path, boolean expected) {
		assertEquals(expected, matches("/files/*.json", path));
	}

	@ParameterizedTest
	@CsvSource({
			"/models/gemini-pro:generate, true",
			"/models/gemini-:generate, true",
			"/models/gemini:generate, false",
			"/models/gemini-pro:stream, false",
	})
	void starInsideASegmentNeedsHeadAndTailWithoutOverlap(String path, boolean expected) {
		assertEquals(expected, matches("/models/gemini-*:generate", path));
		assertFalse(matches("/ab*ba", "/aba"), "head and tail may not share characters");
		assertTrue(matches("/ab*ba", "/abba"));
	}

	@ParameterizedTest
	@CsvSource({
			"/v1, true",
			"/v1/, true",
			"/v1/chat, true",
			"/v1/chat/completions, true",
			"/v2/chat, false",
			"/, false",
			"/v1beta/models, false",
	})
	void doubleStarMatchesZeroOrMoreTrailingSegments(String path, boolean expected) {
		assertEquals(expected, matches("/v1/**", path));
	}

	@Test
	void literalPatternsMatchExactly() {
		assertTrue(matches("/user", "/user"));
		assertFalse(matches("/user", "/user/"));
		assertFalse(matches("/user", "/users"));
		assertFalse(matches("/user", "/"));
		assertTrue(matches("/v1/", "/v1/"));
		assertFalse(matches("/v1/", "/v1"));
	}

	@ParameterizedTest
	@ValueSource(strings = {"/**/x", "/a/**/b", "/**/**"})
	void doubleStarOnlyAtTheEnd(String pattern) {
		AmkException e = assertThrows(AmkException.class, () -> PathGlob.parse(pattern));
		assertEquals("invalid_argument", e.type());
	}

	@ParameterizedTest
	@ValueSource(strings = {"/v1**", "/a/**b", "/a/x**y"})
	void doubleStarMustBeAWholeSegment(String pattern) {
		assertThrows(AmkException.class, () -> PathGlob.parse(pattern));
	}

	@ParameterizedTest
	@ValueSource(strings = {"/.", "/..", "/a/../b", "/a/./b", "/a/..", "/../**"})
	void dotSegmentsAreRefused(String pattern) {
		AmkException e = assertThrows(AmkException.class, () -> PathGlob.parse(pattern));
		assertTrue(e.getMessage().contains("'.' or '..'"), e.getMessage());
	}

	@Test
	void dotsInsideASegmentAreFine() {
		assertTrue(matches("/a/.well-known/x..y", "/a/.well-known/x..y"));
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = {"", "v1/**", "**", "*", " /v1"})
	void aPatternMustStartWithASlash(String pattern) {
		assertThrows(AmkException.class, () -> PathGlob.parse(pattern));
	}

	@ParameterizedTest
	@ValueSource(strings = {"/a*b*", "/*x*", "/v1/*.*"})
	void twoStarsInOneSegmentAreRefusedWhenParsed(String pattern) {
		assertThrows(AmkException.class, () -> PathGlob.parse(pattern));
	}
}
