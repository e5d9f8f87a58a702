package dev.amk.agents;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.amk.common.AmkException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grants are what stands between an agent and an API: any spec either is refused with a message for the person
 * or becomes a rule that prints back to itself, is stored and read back unchanged, never lets a read-only grant
 * write, and matches paths exactly as a plain reference glob matcher does.
 */
class GrantRuleFuzzTest {
	private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "get", "TRACE", "CONNECT", "");

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({":", ",", "/", "*", "**", "/**", "read", "full", "GET", "POST", "v1", ".", ".."})
	void rulesRoundTripAndMatchLikeTheReference(FuzzedDataProvider data) {
		String spec = data.consumeString(80);
		GrantRule rule;
		try {
			rule = GrantRule.parse(spec);
		} catch (AmkException refused) {
			assertFalse(refused.getMessage().isBlank());
			return;
		}
		assertEquals(rule, GrantRule.parse(rule.toSpec()), () -> "the printed spec reads back as another rule: " + spec);
		assertEquals(rule, GrantRule.fromColumns(rule.preset().id(), rule.methodsColumn(), rule.pathsColumn(), rule.sessionPolicyColumn(),
				rule.servicesColumn(), rule.toolsColumn()), () -> "stored and read back differently: " + spec);
		assertFalse(rule.describe().isBlank());
		if (rule.preset() == GrantRule.Preset.READ) {
			assertFalse(rule.allowsMethod("POST") || rule.allowsMethod("DELETE") || rule.allowsMethod("PUT") || rule.allowsMethod("PATCH"));
		}
		for (String method : METHODS) {
			assertEquals(rule.methods().isEmpty() || rule.methods().contains(method), rule.allowsMethod(method));
		}
		// An approval rule (CONN:ask) and a cloud account's rule (services=, policy=) may cover everything; no other custom one.
		assertTrue(rule.preset() == GrantRule.Preset.FULL || rule.preset() == GrantRule.Preset.READ || rule.preset() == GrantRule.Preset.ASK
				|| rule.cloud() != null || !rule.methods().isEmpty()
				|| !rule.paths().equals(List.of(PathGlob.EVERYTHING)), () -> "a custom rule that is really a preset: " + spec);
		assertTrue(Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE").containsAll(rule.methods()));

		int paths = data.consumeInt(0, 4);
		for (int p = 0; p < paths; p++) {
			List<String> path = segments(data);
			boolean expected = rule.paths().stream().anyMatch(glob -> referenceMatches(glob.segments(), 0, path, 0));
			assertEquals(expected, rule.allowsPath(path), () -> spec + " on " + path);
		}
	}

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({"/", "*", "**", "/**", "v1", "."})
	void globsMatchLikeTheReference(FuzzedDataProvider data) {
		String pattern = data.consumeString(60);
		PathGlob glob;
		try {
			glob = PathGlob.parse(pattern);
		} catch (AmkException refused) {
			return;
		}
		assertEquals(glob, PathGlob.parse(glob.pattern()));
		assertFalse(glob.segments().contains(".") || glob.segments().contains(".."));
		while (data.remainingBytes() > 0) {
			List<String> path = segments(data);
			assertEquals(referenceMatches(glob.segments(), 0, path, 0), glob.matches(path), () -> pattern + " on " + path);
		}
	}

	/** Decoded segments as RequestTarget delivers them: no '/' inside, an empty one only at the end. */
	private static List<String> segments(FuzzedDataProvider data) {
		int n = data.consumeInt(0, 5);
		List<String> path = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			String s = data.consumeString(12).replace("/", "");
			if (s.isEmpty() && i != n - 1) {
				s = "x";
			}
			path.add(s);
		}
		return path;
	}

	/**
	 * A plain recursive glob matcher: '**' takes any number of segments, '*' alone any one segment, and a
	 * segment with one '*' matches by prefix and suffix without overlap.
	 */
	private static boolean referenceMatches(List<String> glob, int g, List<String> path, int p) {
		if (g == glob.size()) {
			return p == path.size();
		}
		String pattern = glob.get(g);
		if (pattern.equals("**")) {
			for (int skip = p; skip <= path.size(); skip++) {
				if (referenceMatches(glob, g + 1, path, skip)) {
					return true;
				}
			}
			return false;
		}
		if (p == path.size()) {
			return false;
		}
		String segment = path.get(p);
		boolean one;
		int star = pattern.indexOf('*');
		if (star < 0) {
			one = pattern.equals(segment);
		} else {
			String head = pattern.substring(0, star);
			String tail = pattern.substring(star + 1);
			one = segment.length() >= head.length() + tail.length() && segment.regionMatches(0, head, 0, head.length())
					&& segment.regionMatches(segment.length() - tail.length(), tail, 0, tail.length());
		}
		return one && referenceMatches(glob, g + 1, path, p + 1);
	}
}
