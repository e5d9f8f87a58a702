package dev.amk.agents;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key shape is the broker's first filter: {@link AgentKey#shape} must agree with the documented format
 * (amk_ + 43 base62 + 6 base62 of the CRC-32 of the random part) on any text, a fresh key is always valid,
 * and changing one character of a valid key never leaves it valid.
 */
class AgentKeyFuzzTest {
	private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({"amk_", "0", "z", "Z"})
	void shapeAgreesWithTheFormat(@NotNull String candidate, int position, char replacement) {
		assertEquals(referenceShape(candidate), AgentKey.shape(candidate), () -> "shape of '" + candidate + "'");
		assertEquals(candidate.startsWith("amk_"), AgentKey.looksLikeAgentKey(candidate));

		String key = AgentKey.generate();
		assertEquals(AgentKey.Shape.VALID, AgentKey.shape(key));
		assertEquals(AgentKey.hash(key), AgentKey.hash(new String(key.toCharArray())));
		assertEquals(64, AgentKey.hash(key).length());
		assertTrue(key.startsWith(AgentKey.displayPrefix(key)) && AgentKey.displayPrefix(key).length() < AgentKey.LENGTH / 4);

		int at = Math.floorMod(position, AgentKey.LENGTH - AgentKey.PREFIX.length()) + AgentKey.PREFIX.length();
		if (replacement != key.charAt(at)) {
			String typo = key.substring(0, at) + replacement + key.substring(at + 1);
			assertNotEquals(AgentKey.Shape.VALID, AgentKey.shape(typo), () -> "a one-character change stayed valid: " + typo);
			assertEquals(referenceShape(typo), AgentKey.shape(typo));
		}
	}

	/** The format written out again, independently: big-endian base62 digits of the CRC-32. */
	private static AgentKey.Shape referenceShape(String s) {
		if (!s.startsWith("amk_") || s.length() != 4 + 43 + 6 || !s.substring(4).chars().allMatch(c -> BASE62.indexOf(c) >= 0)) {
			return AgentKey.Shape.MALFORMED;
		}
		String random = s.substring(4, 47);
		CRC32 crc = new CRC32();
		crc.update(random.getBytes(StandardCharsets.US_ASCII));
		long value = crc.getValue();
		char[] digits = new char[6];
		for (int i = 5; i >= 0; i--) {
			digits[i] = BASE62.charAt((int) (value % 62));
			value /= 62;
		}
		return new String(digits).equals(s.substring(47)) ? AgentKey.Shape.VALID : AgentKey.Shape.BAD_CHECKSUM;
	}
}
