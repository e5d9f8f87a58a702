package dev.amk.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One authorization attempt's secrets (RFC 7636, RFC 6749 §10.12): a PKCE code verifier with its S256
 * challenge, and an unrelated random {@code state}. Reusing the verifier as the state would publish it in
 * the browser's address bar; they are drawn separately.
 */
public record Pkce(String verifier, String challenge, String state) {
	private static final SecureRandom RANDOM = new SecureRandom();

	public static Pkce generate() {
		String verifier = random(32); // 43 characters, the RFC's minimum length
		return new Pkce(verifier, challengeOf(verifier), random(24));
	}

	/** BASE64URL(SHA-256(verifier)), without padding. */
	public static String challengeOf(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	private static String random(int bytes) {
		byte[] b = new byte[bytes];
		RANDOM.nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	@Override
	public String toString() {
		return "Pkce[…]"; // never the verifier, in logs or exceptions
	}
}
