package dev.amk.agents;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentKeyTest {
	private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	private static final Pattern KEY_SHAPE = Pattern.compile("amk_[0-9A-Za-z]+");
	private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

	/** The key with the character at {@code index} replaced by {@code c}. */
	private static String withCharAt(String key, int index, char c) {
		return key.substring(0, index) + c + key.substring(index + 1);
	}

	/** Another base62 character than {@code c}, varying with {@code salt} so that different replacements are tried. */
	private static char otherBase62(char c, int salt) {
		int i = BASE62.indexOf(c);
		return BASE62.charAt((i + 1 + salt % 61) % 62);
	}

	@Nested
	@DisplayName("generate()")
	class Generate {
		@Test
		void hasThePrefixTheLengthAndTheBase62Alphabet() {
			for (int i = 0; i < 200; i++) {
				String key = AgentKey.generate();
				assertTrue(key.startsWith(AgentKey.PREFIX), key);
				assertEquals(AgentKey.LENGTH, key.length(), key);
				assertTrue(KEY_SHAPE.matcher(key).matches(), key);
			}
		}

		@Test
		void lengthIsPrefixPlusRandomPlusChecksum() {
			assertEquals("amk_".length() + 43 + 6, AgentKey.LENGTH);
			assertEquals("amk_", AgentKey.PREFIX);
		}

		@Test
		void keysAreDistinct() {
			Set<String> keys = new HashSet<>();
			for (int i = 0; i < 5_000; i++) {
				assertTrue(keys.add(AgentKey.generate()), "a generated key repeated");
			}
		}

		@Test
		void randomPartsUseTheWholeAlphabet() {
			// 256 random bits spread over 43 base62 digits: over many keys every digit value must turn up.
			Set<Character> seen = new HashSet<>();
			for (int i = 0; i < 500; i++) {
				String key = AgentKey.generate();
				for (char c : key.substring(AgentKey.PREFIX.length(), AgentKey.PREFIX.length() + 43).toCharArray()) {
					seen.add(c);
				}
			}
			assertEquals(62, seen.size());
		}

		@Test
		void generatedKeysLookLikeAgentKeys() {
			assertTrue(AgentKey.looksLikeAgentKey(AgentKey.generate()));
			assertFalse(AgentKey.looksLikeAgentKey("sk-abc"));
			assertFalse(AgentKey.looksLikeAgentKey(null));
		}
	}

	@Nested
	@DisplayName("shape()")
	class Shape {
		@Test
		void generatedKeysAreValid() {
			for (int i = 0; i < 500; i++) {
				String key = AgentKey.generate();
				assertEquals(AgentKey.Shape.VALID, AgentKey.shape(key), key);
			}
		}

		/** Keys handed out by earlier builds (these three by the build before the checksum's digits were computed in a long). */
		@ParameterizedTest
		@ValueSource(strings = {"amk_y00uQl9SCoRrBhe4kpCVlD3dKZ4bTqAbLVGNeS75YaW3QCqLH", "amk_7GzQ4gYScAaP2ShD91ua5T59BYDe2KZ2INhWGCAuQfe0IBPnz",
				"amk_gddLQezLucEGODU38NhaZ4P5TNNxN7Ol4Vonpr8HDdC03iQAV"})
		@DisplayName("keys made by earlier builds keep their valid checksum")
		void keysOfEarlierBuildsStayValid(String key) {
			assertEquals(AgentKey.Shape.VALID, AgentKey.shape(key));
		}

		@Test
		void anySingleChangedCharacterAfterThePrefixBreaksTheChecksum() {
			for (int round = 0; round < 20; round++) {
				String key = AgentKey.generate();
				for (int i = AgentKey.PREFIX.length(); i < AgentKey.LENGTH; i++) {
					String changed = withCharAt(key, i, otherBase62(key.charAt(i), round * 7 + i));
					assertNotEquals(key, changed);
					assertEquals(AgentKey.Shape.BAD_CHECKSUM, AgentKey.shape(changed), "changed index " + i + ": " + changed);
				}
			}
		}

		@Test
		void everyReplacementOfOneRandomCharacterIsCaught() {
			String key = AgentKey.generate();
			int index = AgentKey.PREFIX.length() + 10;
			for (char c : BASE62.toCharArray()) {
				AgentKey.Shape expected = c == key.charAt(index) ? AgentKey.Shape.VALID : AgentKey.Shape.BAD_CHECKSUM;
				assertEquals(expected, AgentKey.shape(withCharAt(key, index, c)), "replacement " + c);
			}
		}

		@Test
		void swappingTheChecksumOfTwoKeysIsCaught() {
			String a = AgentKey.generate();
			String b = AgentKey.generate();
			int checksumStart = AgentKey.LENGTH - 6;
			String forged = a.substring(0, checksumStart) + b.substring(checksumStart);
			AgentKey.Shape expected = a.substring(checksumStart).equals(b.substring(checksumStart)) ? AgentKey.Shape.VALID : AgentKey.Shape.BAD_CHECKSUM;
			assertEquals(expected, AgentKey.shape(forged));
		}

		@Test
		void nullIsMalformed() {
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(null));
		}

		@ParameterizedTest
		@ValueSource(strings = {"", "amk_", "amk", "sk-proj-abcdef", "Bearer amk_x"})
		void shortOrForeignValuesAreMalformed(String candidate) {
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(candidate));
		}

		@ParameterizedTest
		@ValueSource(strings = {"AMK_", "amk-", "xmk_", "amq_"})
		void aWrongPrefixIsMalformed(String prefix) {
			String key = AgentKey.generate();
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(prefix + key.substring(4)));
		}

		@Test
		void oneCharacterTooShortOrTooLongIsMalformed() {
			String key = AgentKey.generate();
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(key.substring(0, key.length() - 1)));
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(key + "A"));
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(key.substring(0, 10) + key.substring(11)));
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(" " + key));
		}

		@ParameterizedTest
		@ValueSource(chars = {'-', '_', '+', '/', '=', ' ', 'é', '\u0000'})
		void aCharacterOutsideBase62IsMalformed(char bad) {
			String key = AgentKey.generate();
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(withCharAt(key, 20, bad)));
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(withCharAt(key, AgentKey.LENGTH - 1, bad)));
			assertEquals(AgentKey.Shape.MALFORMED, AgentKey.shape(withCharAt(key, AgentKey.PREFIX.length(), bad)));
		}
	}

	@Nested
	@DisplayName("hash() and displayPrefix()")
	class HashAndDisplay {
		@Test
		void hashIs64LowerCaseHexAndDeterministic() {
			String key = AgentKey.generate();
			String hash = AgentKey.hash(key);
			assertTrue(HEX64.matcher(hash).matches(), hash);
			assertEquals(hash, AgentKey.hash(key));
			assertEquals(hash, AgentKey.hash(new String(key.toCharArray())));
		}

		@Test
		void hashIsTheSha256OfTheWholeKey() {
			// SHA-256("abc"), a published test vector.
			assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", AgentKey.hash("abc"));
			assertEquals(AgentKey.hash("abc"), java.util.HexFormat.of().formatHex(AgentKey.sha256("abc")));
		}

		@Test
		void hashesDifferPerKey() {
			Set<String> hashes = new HashSet<>();
			for (int i = 0; i < 500; i++) {
				assertTrue(hashes.add(AgentKey.hash(AgentKey.generate())));
			}
			String key = AgentKey.generate();
			assertNotEquals(AgentKey.hash(key), AgentKey.hash(withCharAt(key, 30, otherBase62(key.charAt(30), 0))));
		}

		@Test
		void displayPrefixIsThePrefixAndSixRandomCharacters() {
			String key = AgentKey.generate();
			String shown = AgentKey.displayPrefix(key);
			assertEquals(key.substring(0, 10), shown);
			assertTrue(shown.startsWith("amk_"));
			assertEquals(10, shown.length());
			assertEquals("amk_abcdef", AgentKey.displayPrefix("amk_abcdefghijkl"));
		}
	}
}
