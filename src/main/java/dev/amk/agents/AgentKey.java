package dev.amk.agents;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Agent keys: {@code amk_} + 43 base62 characters (256 random bits) + 6 base62 characters of CRC-32.
 *
 * <p>The fixed shape lets a secret scanner recognise a leaked key, and the checksum rejects a typo or a
 * made-up key before any look-up. Keys are stored only as their SHA-256: the random part already has full
 * entropy, so a slow password hash would add cost without adding safety.
 */
public final class AgentKey {
	public static final String PREFIX = "amk_";
	static final int RANDOM_CHARS = 43;
	static final int CHECKSUM_CHARS = 6;
	public static final int LENGTH = PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
	/** How much of a key lists may show: the prefix and the first random characters, about 36 of 256 bits. */
	private static final int DISPLAY_CHARS = PREFIX.length() + 6;

	private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
	private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
	private static final SecureRandom RANDOM = new SecureRandom();

	public enum Shape {
		VALID,
		/** Not an amk_ key at all, or the wrong length or alphabet. */
		MALFORMED,
		/** The right shape, but the checksum does not match: a typo or a forgery. */
		BAD_CHECKSUM
	}

	private AgentKey() {
	}

	public static String generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		String random = base62(new BigInteger(1, bytes), RANDOM_CHARS);
		return PREFIX + random + checksum(random);
	}

	public static Shape shape(String candidate) {
		if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
			return Shape.MALFORMED;
		}
		for (int i = PREFIX.length(); i < LENGTH; i++) {
			if (!isBase62(candidate.charAt(i))) {
				return Shape.MALFORMED;
			}
		}
		String random = candidate.substring(PREFIX.length(), PREFIX.length() + RANDOM_CHARS);
		String check = candidate.substring(PREFIX.length() + RANDOM_CHARS);
		// Constant time is not needed here (the checksum is public information), but it costs nothing.
		return MessageDigest.isEqual(checksum(random).getBytes(StandardCharsets.US_ASCII), check.getBytes(StandardCharsets.US_ASCII))
				? Shape.VALID : Shape.BAD_CHECKSUM;
	}

	/** Lower-case hex SHA-256 of the whole key, as stored in the registry. */
	public static String hash(String key) {
		return HexFormat.of().formatHex(sha256(key));
	}

	public static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	public static String displayPrefix(String key) {
		return key.substring(0, DISPLAY_CHARS);
	}

	/** True for anything that looks like an agent key, valid checksum or not: such values must never reach upstream. */
	public static boolean looksLikeAgentKey(String value) {
		return value != null && value.startsWith(PREFIX);
	}

	private static String checksum(String random) {
		CRC32 crc = new CRC32();
		crc.update(random.getBytes(StandardCharsets.US_ASCII));
		return base62(crc.getValue(), CHECKSUM_CHARS);
	}

	/** The checksum's digits, in a long: {@link #shape} runs on every request, and BigInteger allocated a dozen objects there. */
	private static String base62(long value, int width) {
		char[] out = new char[width];
		long v = value;
		for (int i = width - 1; i >= 0; i--) {
			out[i] = BASE62[(int) (v % 62)];
			v /= 62;
		}
		if (v != 0) {
			throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
		}
		return new String(out);
	}

	private static String base62(BigInteger value, int width) {
		char[] out = new char[width];
		BigInteger v = value;
		for (int i = width - 1; i >= 0; i--) {
			BigInteger[] qr = v.divideAndRemainder(SIXTY_TWO);
			out[i] = BASE62[qr[1].intValue()];
			v = qr[0];
		}
		if (v.signum() != 0) {
			throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
		}
		return new String(out);
	}

	private static boolean isBase62(char c) {
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	}
}
