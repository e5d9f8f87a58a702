package dev.amk.proxy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class SecretMaskTest {
	private static final String SECRET = "sk-live-0123456789";
	private static final String STARS = "*".repeat(SECRET.length());

	private static String maskBody(SecretMask mask, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		mask.maskInPlace(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "a", "1234567"})
	@DisplayName("secrets shorter than 8 characters get no mask: they would match ordinary text")
	void shortSecretsAreNotMasked(String secret) {
		assertNull(SecretMask.of(secret));
	}

	@Test
	@DisplayName("an 8-character secret is masked")
	void eightCharacters() {
		assertNotNull(SecretMask.of("12345678"));
	}

	@Test
	@DisplayName("header values: every occurrence becomes stars of the same length; other values are returned as they are")
	void headers() {
		SecretMask mask = SecretMask.of(SECRET);
		assertEquals("Bearer " + STARS, mask.mask("Bearer " + SECRET));
		assertEquals(STARS + "," + STARS, mask.mask(SECRET + "," + SECRET));
		String plain = "no secret here";
		assertSame(plain, mask.mask(plain));
	}

	@Test
	@DisplayName("body chunks: masked in place, length kept, at the start, middle, end and back to back")
	void chunks() {
		SecretMask mask = SecretMask.of(SECRET);
		String body = SECRET + " said {\"key\":\"" + SECRET + "\"} " + SECRET + SECRET;
		String masked = maskBody(mask, body);
		assertEquals(STARS + " said {\"key\":\"" + STARS + "\"} " + STARS + STARS, masked);
		assertEquals(body.length(), masked.length());
	}

	@Test
	@DisplayName("a near miss and an echo cut at the chunk's end are left alone (documented limit)")
	void nearMissesAndSplitEchoes() {
		SecretMask mask = SecretMask.of(SECRET);
		String nearMiss = SECRET.substring(0, SECRET.length() - 1) + "X";
		assertEquals(nearMiss, maskBody(mask, nearMiss));
		String split = "tail: " + SECRET.substring(0, 5);
		assertEquals(split, maskBody(mask, split));
		assertEquals("", maskBody(mask, ""));
	}

	@Test
	@DisplayName("a secret with non-ASCII characters is matched by its UTF-8 bytes")
	void utf8() {
		String secret = "clé-secrète-ü";
		SecretMask mask = SecretMask.of(secret);
		byte[] body = ("x" + secret + "y").getBytes(StandardCharsets.UTF_8);
		mask.maskInPlace(body);
		int secretBytes = secret.getBytes(StandardCharsets.UTF_8).length;
		assertEquals("x" + "*".repeat(secretBytes) + "y", new String(body, StandardCharsets.UTF_8));
	}
}
