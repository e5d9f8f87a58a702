package dev.amk.proxy;

import dev.amk.providers.Injection;
import okhttp3.HttpUrl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Defence in depth against upstreams that echo the credential back (an error quoting the key, a debug
 * endpoint, a redirect with {@code ?api_key=}): every occurrence of the real secret in the answer's headers
 * and body is overwritten with '*' of the same length, so that Content-Length stays true. Masked are the
 * secret itself, its URL-encoded forms (as the broker put it in a query, and as a form would encode it) and,
 * for a Basic connection, the base64 of {@code user:secret} that the broker sent.
 *
 * <p>A body is scanned as a stream ({@link Scanner}): an echo split across two reads is caught by holding
 * back the end of a read only when it could be the start of a secret, at most the longest form's length − 1
 * bytes. Anything else is passed on at once, so server-sent events are not delayed.
 */
final class SecretMask {
	/**
	 * Secrets shorter than this are not masked: a 1–3 character string turns up in ordinary answers (numbers,
	 * words) and masking it would corrupt them, while such a secret protects nothing anyway (62³ guesses). From
	 * four characters on, a chance match is rare enough that masking it costs less than leaking the secret.
	 */
	static final int MIN_LENGTH = 4;

	private final String secret;
	private final Injection injection;
	private final String[] texts;
	private final String[] stars;
	private final byte[][] needles;
	private final byte[] firstBytes;
	private final int longest;

	private SecretMask(String secret, Injection injection, Set<String> forms) {
		this.secret = secret;
		this.injection = injection;
		this.texts = forms.toArray(String[]::new);
		this.stars = new String[texts.length];
		this.needles = new byte[texts.length][];
		this.firstBytes = new byte[texts.length];
		int max = 0;
		for (int i = 0; i < texts.length; i++) {
			needles[i] = texts[i].getBytes(StandardCharsets.UTF_8);
			stars[i] = "*".repeat(texts[i].length());
			firstBytes[i] = needles[i][0];
			max = Math.max(max, needles[i].length);
		}
		this.longest = max;
	}

	/** A mask for {@code secret} as {@code injection} sends it, or null when it is too short to mask safely. */
	static SecretMask of(String secret, Injection injection) {
		if (secret.length() < MIN_LENGTH) {
			return null;
		}
		Set<String> forms = new LinkedHashSet<>();
		forms.add(secret);
		String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
		forms.add(form);
		forms.add(form.replace("+", "%20"));
		// Exactly what OkHttp put in the query, when the connection sends the secret there.
		String query = new HttpUrl.Builder().scheme("http").host("x").addQueryParameter("k", secret).build().encodedQuery();
		forms.add(query.substring(2));
		if (injection instanceof Injection.Basic basic) {
			forms.add(Base64.getEncoder().encodeToString((basic.user() + ":" + secret).getBytes(StandardCharsets.UTF_8)));
		}
		return new SecretMask(secret, injection, forms);
	}

	/** Same as {@link #of(String, Injection)} for a secret sent in a header. */
	static SecretMask of(String secret) {
		return of(secret, null);
	}

	/** Whether this is the mask of {@code candidate} sent by {@code how}: a mask is kept per connection until its secret changes. */
	boolean isFor(String candidate, Injection how) {
		return secret.equals(candidate) && Objects.equals(injection, how);
	}

	String mask(String headerValue) {
		String result = headerValue;
		for (int i = 0; i < texts.length; i++) {
			if (result.contains(texts[i])) {
				result = result.replace(texts[i], stars[i]);
			}
		}
		return result;
	}

	/** Masks occurrences that lie wholly inside {@code chunk}, in place. */
	void maskInPlace(byte[] chunk) {
		maskInPlace(chunk, chunk.length);
	}

	private void maskInPlace(byte[] data, int length) {
		for (byte[] needle : needles) {
			byte first = needle[0];
			int last = length - needle.length;
			for (int i = 0; i <= last; i++) {
				if (data[i] == first && Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
					Arrays.fill(data, i, i + needle.length, (byte) '*');
					i += needle.length - 1;
				}
			}
		}
	}

	/** How many bytes at the end of {@code data[0, length)} could be the start of a secret's form. */
	private int heldBack(byte[] data, int length) {
		for (int start = Math.max(0, length - longest + 1); start < length; start++) {
			byte b = data[start];
			for (int n = 0; n < needles.length; n++) {
				byte[] needle = needles[n];
				int tail = length - start;
				if (b == firstBytes[n] && tail < needle.length && Arrays.equals(data, start, length, needle, 0, tail)) {
					return tail;
				}
			}
		}
		return 0;
	}

	Scanner scanner() {
		return new Scanner();
	}

	/** One answer's body, read by read. Allocates only when a read ends with what could be the start of a secret. */
	final class Scanner {
		private static final byte[] NONE = new byte[0];
		private byte[] carry = NONE;

		/** The bytes of {@code chunk} (after what was held back) that can be sent now, masked; may be {@code chunk} itself. */
		byte[] next(byte[] chunk) {
			byte[] data = chunk;
			if (carry.length > 0) {
				data = Arrays.copyOf(carry, carry.length + chunk.length);
				System.arraycopy(chunk, 0, data, carry.length, chunk.length);
			}
			maskInPlace(data, data.length);
			int held = heldBack(data, data.length);
			if (held == 0) {
				carry = NONE;
				return data;
			}
			carry = Arrays.copyOfRange(data, data.length - held, data.length);
			return Arrays.copyOf(data, data.length - held);
		}

		/** What was still held back when the body ended: no secret, since it was shorter than every form. */
		byte[] rest() {
			byte[] rest = carry;
			carry = NONE;
			return rest;
		}
	}
}
