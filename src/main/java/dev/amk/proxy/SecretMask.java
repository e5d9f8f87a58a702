package dev.amk.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Defence in depth against upstreams that echo the credential back (an error quoting the key, a debug
 * endpoint, a URL with {@code ?api_key=} in a message): every occurrence of the real secret in response
 * headers and in uncompressed response chunks is overwritten with '*' of the same length, so that
 * Content-Length stays true. An echo split across two chunks is not caught; holding bytes back to catch it
 * would stall server-sent events, which matter more.
 */
final class SecretMask {
	/** Shorter secrets would match ordinary text and corrupt bodies; real API keys are far longer. */
	private static final int MIN_LENGTH = 8;

	private final String secret;
	private final byte[] needle;
	private final String stars;

	private SecretMask(String secret) {
		this.secret = secret;
		this.needle = secret.getBytes(StandardCharsets.UTF_8);
		this.stars = "*".repeat(secret.length());
	}

	/** A mask for {@code secret}, or null when it is too short to mask safely. */
	static SecretMask of(String secret) {
		return secret.length() >= MIN_LENGTH ? new SecretMask(secret) : null;
	}

	String mask(String headerValue) {
		return headerValue.contains(secret) ? headerValue.replace(secret, stars) : headerValue;
	}

	/** Masks occurrences inside {@code chunk}, in place. */
	void maskInPlace(byte[] chunk) {
		byte first = needle[0];
		int last = chunk.length - needle.length;
		for (int i = 0; i <= last; i++) {
			if (chunk[i] == first && Arrays.equals(chunk, i, i + needle.length, needle, 0, needle.length)) {
				Arrays.fill(chunk, i, i + needle.length, (byte) '*');
				i += needle.length - 1;
			}
		}
	}
}
