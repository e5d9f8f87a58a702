package dev.amk.guard;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteMatcherTest {
	private static byte[] b(String s) {
		return s.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** Which pattern the automaton reports first, or -1. */
	private static int firstMatch(ByteMatcher m, byte[] text) {
		int state = ByteMatcher.ROOT;
		for (byte x : text) {
			state = m.next(state, x);
			if (m.match(state) != ByteMatcher.NO_MATCH) {
				return m.match(state);
			}
		}
		return -1;
	}

	@Test
	void classicPatterns() {
		ByteMatcher m = ByteMatcher.of(List.of(b("he"), b("she"), b("his"), b("hers")));
		assertEquals(1, firstMatch(m, b("ushers")));
		assertEquals(2, firstMatch(m, b("ahisx")));
		assertEquals(-1, firstMatch(m, b("hx sh")));
		assertEquals(0, firstMatch(m, b("hhhhe")));
	}

	@Test
	void highBytesAndDepth() {
		ByteMatcher m = ByteMatcher.of(List.of(new byte[] {(byte) 0xff, (byte) 0x80, 1}, b("abcabd")));
		assertEquals(0, firstMatch(m, new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0x80, 1}));
		int state = ByteMatcher.ROOT;
		for (byte x : b("xxabcab")) {
			state = m.next(state, x);
		}
		assertEquals(5, m.depth(state), "abcab is the start of abcabd");
	}

	@Test
	void agreesWithIndexOfOnRandomText() {
		Random random = new Random(42);
		for (int round = 0; round < 300; round++) {
			List<String> patterns = java.util.stream.IntStream.range(0, 1 + random.nextInt(6)).mapToObj(i -> randomText(random, 1 + random.nextInt(5)))
					.toList();
			ByteMatcher m = ByteMatcher.of(patterns.stream().map(ByteMatcherTest::b).toList());
			String text = randomText(random, random.nextInt(40));
			boolean expected = patterns.stream().anyMatch(text::contains);
			assertEquals(expected, firstMatch(m, b(text)) >= 0, patterns + " in " + text);
		}
	}

	private static String randomText(Random random, int length) {
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < length; i++) {
			s.append((char) ('a' + random.nextInt(3)));
		}
		return s.toString();
	}
}
