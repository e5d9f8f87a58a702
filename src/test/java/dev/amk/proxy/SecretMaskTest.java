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
	@ValueSource(strings = {"", "a", "123"})
	@DisplayName("secrets shorter than 4 characters get no mask: they would match ordinary text")
	void shortSecretsAreNotMasked(String secret) {
		assertNull(SecretMask.of(secret));
	}

	@Test
	@DisplayName("a 4-character secret is masked")
	void fourCharacters() {
		assertNotNull(SecretMask.of("Zq7x"));
	}

	private static String scan(SecretMask mask, String... reads) {
		SecretMask.Scanner scanner = mask.scanner();
		StringBuilder out = new StringBuilder();
		for (String read : reads) {
			out.append(new String(scanner.next(read.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).append('|');
		}
		return out.append(new String(scanner.rest(), StandardCharsets.UTF_8)).toString();
	}

	@Test
	@DisplayName("a secret split across reads is masked; only a possible start of the secret is held back, never more")
	void splitAcrossReads() {
		SecretMask mask = SecretMask.of(SECRET);
		assertEquals("data: |" + STARS + " end|", scan(mask, "data: " + SECRET.substring(0, 5), SECRET.substring(5) + " end"));
		assertEquals("data: x\n\n|", scan(mask, "data: x\n\n"), "a read ending with no possible start is sent whole");
		assertEquals("a |sk-x|", scan(mask, "a sk-", "x"), "held-back bytes that turn out not to be the secret are sent unchanged");
		assertEquals("tail |sk-li", scan(mask, "tail sk-li"), "at the end, what was held back is sent as it is");
	}

	@Test
	@DisplayName("URL-encoded forms and the base64 of a Basic user:secret are masked too")
	void encodedForms() {
		String secret = "a+b/c=d e";
		SecretMask mask = SecretMask.of(secret, new dev.amk.providers.Injection.Basic("me"));
		String basic = java.util.Base64.getEncoder().encodeToString(("me:" + secret).getBytes(StandardCharsets.UTF_8));
		for (String form : new String[] {"a%2Bb%2Fc%3Dd+e", "a%2Bb%2Fc%3Dd%20e", basic}) {
			assertEquals("x=" + "*".repeat(form.length()), mask.mask("x=" + form));
			assertEquals("x=" + "*".repeat(form.length()), maskBody(mask, "x=" + form));
		}
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
	@DisplayName("a near miss, and an echo cut at a single chunk's end, are left alone by maskInPlace (the scanner holds such ends back)")
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
