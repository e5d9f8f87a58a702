package dev.amk.doctor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names for secrets that are safe to print: a fingerprint (the same secret always gets the same one, so copies
 * in many files show as one secret) and a preview (at most a known prefix and the last four characters).
 */
public final class Fingerprints {
	// Domain separation: a fingerprint printed here cannot be matched against an unsalted SHA-256 list of leaked keys.
	private static final byte[] DOMAIN = "amk-doctor-fingerprint-v1\0".getBytes(StandardCharsets.US_ASCII);
	private static final int SHOWN_TAIL = 4;
	/** Below this many hidden characters the tail is not shown either: four characters of a short password are too many. */
	private static final int MIN_HIDDEN = 12;

	private Fingerprints() {
	}

	/** The first 12 hex characters (48 bits) of SHA-256 over a fixed prefix and the secret. */
	public static String of(String secret) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(DOMAIN);
			return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	/** {@code knownPrefix…last4}; the prefix only when the secret starts with it, the tail only when enough stays hidden. */
	public static String preview(String secret, String knownPrefix) {
		String prefix = knownPrefix != null && secret.startsWith(knownPrefix) ? knownPrefix : "";
		int hidden = secret.length() - prefix.length() - SHOWN_TAIL;
		return prefix + "…" + (hidden >= MIN_HIDDEN ? secret.substring(secret.length() - SHOWN_TAIL) : "");
	}
}
