package dev.amk.guard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The forms in which a secret can travel in a request without being transformed on purpose: as it is, URL-encoded
 * (as a form or a query builder would put it) and base64-encoded, standard or URL-safe, wherever in the encoded text
 * it starts. Base64 encodes three bytes as four characters, so a secret inside a longer encoded value looks
 * different depending on its offset modulo 3: each of the three alignments is a form, trimmed to the characters
 * that depend on the secret alone.
 */
final class SecretForms {
	/**
	 * Secrets shorter than this are not looked for: a request is refused on a hit, and a short string turns up in
	 * ordinary bodies by chance. Real API keys and tokens are far longer.
	 */
	static final int MIN_SECRET_LENGTH = 8;
	/** The shortest base64 stretch accepted as a form: shorter ones would match unrelated base64 data too often. */
	static final int MIN_ENCODED_LENGTH = 12;

	private SecretForms() {
	}

	/** Every form of {@code secret}; empty when it is too short to look for. */
	static Set<String> of(String secret) {
		Set<String> forms = new LinkedHashSet<>();
		if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
			return forms;
		}
		forms.add(secret);
		String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
		forms.add(encoded);
		forms.add(encoded.replace("+", "%20"));
		forms.add(encoded.replace("%7E", "~"));
		byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
		for (int offset = 0; offset < 3; offset++) {
			String aligned = base64Aligned(bytes, offset);
			if (aligned.length() >= MIN_ENCODED_LENGTH) {
				forms.add(aligned);
				forms.add(aligned.replace('+', '-').replace('/', '_'));
			}
		}
		return forms;
	}

	/**
	 * The part of the base64 of some text that the secret alone decides, when the secret starts {@code offset} bytes
	 * into a three-byte group: the groups that hold bytes of the secret only.
	 */
	static String base64Aligned(byte[] secret, int offset) {
		byte[] padded = new byte[offset + secret.length];
		System.arraycopy(secret, 0, padded, offset, secret.length);
		String all = Base64.getEncoder().withoutPadding().encodeToString(padded);
		int firstGroup = offset == 0 ? 0 : 1;
		int fullGroups = padded.length / 3;
		if (fullGroups <= firstGroup) {
			return "";
		}
		return all.substring(firstGroup * 4, fullGroups * 4);
	}
}
