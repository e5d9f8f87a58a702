package dev.amk.guard;

import dev.amk.agents.AgentKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The exfiltration tripwire: finds, in what an agent sends, any real secret the broker holds (as it is, URL-encoded
 * or base64-encoded, see {@link SecretForms}) and any agent key other than the caller's own (an {@code amk_} token
 * whose checksum is valid). Agents never hold a real secret, so any occurrence is a leak in the making, whichever
 * connection it belongs to.
 *
 * <p>All forms of all secrets are compiled into one {@link ByteMatcher}, rebuilt only when the set of secrets in the
 * broker's memory changes (a version number says so; checking it is one volatile read per request), so a request
 * costs one pass over its bytes whatever the number of secrets. Never logs, prints or returns a secret: a
 * {@link Hit} says what kind of thing was found, not what.
 */
public final class Tripwire {
	/** What was found. */
	public enum Hit {
		/** A real secret the broker holds, in one of its forms. */
		SECRET,
		/** Another agent's key (a well-formed {@code amk_} key with a valid checksum, not the caller's). */
		AGENT_KEY
	}

	/** The request body's content coding is one the tripwire cannot read, so it cannot be checked. */
	public static final class UnreadableEncoding extends Exception {
		private final String coding;

		UnreadableEncoding(String coding) {
			super(coding, null, false, false);
			this.coding = coding;
		}

		public String coding() {
			return coding;
		}
	}

	/** A compressed body that cannot be searched: it inflates past the bound, or is not valid for its coding. */
	public static final class UnreadableBody extends Exception {
		UnreadableBody(String why) {
			super(why, null, false, false);
		}

		/** Completes "The compressed request body …": safe to show, it never quotes the body. */
		public String why() {
			return getMessage();
		}
	}

	private static final byte[] KEY_PREFIX = AgentKey.PREFIX.getBytes(StandardCharsets.US_ASCII);

	private final LongSupplier version;
	private final Supplier<Collection<String>> secrets;
	private volatile Compiled compiled;

	/**
	 * @param version a number that changes whenever {@code secrets} would return something else
	 * @param secrets every real secret the broker holds in memory now (API keys, access and refresh tokens)
	 */
	public Tripwire(LongSupplier version, Supplier<Collection<String>> secrets) {
		this.version = version;
		this.secrets = secrets;
	}

	/** The automaton and what its pattern indexes mean; pattern 0 is always the agent-key prefix. */
	record Compiled(long version, ByteMatcher matcher) {
		static final int KEY_PREFIX_PATTERN = 0;
	}

	Compiled compiled() {
		long now = version.getAsLong();
		Compiled c = compiled;
		if (c != null && c.version() == now) {
			return c;
		}
		synchronized (this) {
			c = compiled;
			if (c == null || c.version() != now) {
				c = compile(now, secrets.get());
				compiled = c;
			}
			return c;
		}
	}

	private static Compiled compile(long version, Collection<String> secrets) {
		Set<String> forms = new LinkedHashSet<>();
		for (String secret : secrets) {
			forms.addAll(SecretForms.of(secret));
		}
		List<byte[]> patterns = new ArrayList<>(forms.size() + 1);
		patterns.add(KEY_PREFIX);
		for (String form : forms) {
			patterns.add(form.getBytes(StandardCharsets.UTF_8));
		}
		return new Compiled(version, ByteMatcher.of(patterns));
	}

	/** What {@code text} (a header value, a URL, a decoded parameter) carries, or null: nothing. */
	public Hit scan(String text, String ownKey) {
		if (text == null || text.isEmpty()) {
			return null;
		}
		Scan scan = new Scan(compiled(), ownKey);
		if (!scan.feedAscii(text)) {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			scan = new Scan(compiled(), ownKey);
			scan.feed(bytes, 0, bytes.length);
		}
		return scan.hit();
	}

	/** The first hit among {@code texts}, each scanned on its own (a secret is not pieced together across two headers). */
	public Hit scanEach(Iterable<String> texts, String ownKey) {
		for (String text : texts) {
			Hit hit = scan(text, ownKey);
			if (hit != null) {
				return hit;
			}
		}
		return null;
	}

	/**
	 * A scan of one request body as it streams, its bytes given as they arrive in their content coding.
	 *
	 * @param contentEncoding the request's {@code Content-Encoding}, or null
	 * @throws UnreadableEncoding for a coding other than identity, gzip, deflate or aws-chunked
	 */
	public BodyScan body(String ownKey, String contentEncoding) throws UnreadableEncoding {
		String coding = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase(Locale.ROOT);
		Scan scan = new Scan(compiled(), ownKey);
		return switch (coding) {
			case "", "identity" -> new BodyScan(scan, null);
			// S3's streaming uploads: plain-text chunk headers around the raw payload, searched as they are (a secret split
			// by a chunk header, every 64 KiB or more, is missed; the README says so).
			case "aws-chunked" -> new BodyScan(scan, null);
			case "gzip", "x-gzip" -> new BodyScan(scan, Inflation.gzip());
			case "deflate" -> new BodyScan(scan, Inflation.zlib());
			default -> throw new UnreadableEncoding(coding);
		};
	}

	/** One request body: plain bytes are searched as they come; compressed ones are searched inflated. */
	public static final class BodyScan {
		private final Scan scan;
		private final Inflation inflation;

		BodyScan(Scan scan, Inflation inflation) {
			this.scan = scan;
			this.inflation = inflation;
		}

		/**
		 * Searches the next bytes of the body.
		 *
		 * @return what they complete, or null
		 * @throws UnreadableBody when a compressed body inflates past the bound, or is not what its coding says
		 */
		public Hit feed(byte[] bytes, int offset, int length) throws UnreadableBody {
			if (inflation == null) {
				scan.feed(bytes, offset, length);
			} else {
				try {
					inflation.inflate(bytes, offset, length, scan);
				} catch (Inflation.TooLarge e) {
					throw new UnreadableBody("inflates to more than the broker checks");
				} catch (java.util.zip.DataFormatException e) {
					throw new UnreadableBody("is not valid for its Content-Encoding");
				}
			}
			return scan.hit();
		}

		/**
		 * How many of the bytes given last must not be sent on yet, since they could be the start of a secret: at most
		 * the longest form's length. Always 0 for a compressed body (its compressed bytes do not line up with what is
		 * searched).
		 */
		public int heldBack() {
			return inflation == null ? scan.partial() : 0;
		}
	}

	/** One pass of the automaton over a stream, with the agent keys it is assembling. */
	static final class Scan {
		private final ByteMatcher matcher;
		private final String ownKey;
		private int state = ByteMatcher.ROOT;
		/** The agent key being read since its prefix; {@code keyLength} is -1 when none is. */
		private final byte[] key = new byte[AgentKey.LENGTH];
		private int keyLength = -1;
		private Hit hit;

		Scan(Compiled compiled, String ownKey) {
			this.matcher = compiled.matcher();
			this.ownKey = ownKey;
		}

		void feed(byte[] bytes, int offset, int length) {
			int end = offset + length;
			for (int i = offset; i < end && hit == null; i++) {
				feedOne(bytes[i]);
			}
		}

		/**
		 * Feeds an ASCII string without copying it (headers and URLs nearly always are); false, having read part of it,
		 * at the first character beyond ASCII, for the caller to start again on its UTF-8 bytes.
		 */
		boolean feedAscii(String text) {
			int n = text.length();
			for (int i = 0; i < n; i++) {
				char c = text.charAt(i);
				if (c >= 0x80) {
					return false;
				}
				feedOne((byte) c);
				if (hit != null) {
					return true;
				}
			}
			return true;
		}

		private void feedOne(byte b) {
			if (keyLength >= 0) {
				collectKey(b);
			}
			state = matcher.next(state, b);
			int found = matcher.match(state);
			if (found == Compiled.KEY_PREFIX_PATTERN) {
				System.arraycopy(KEY_PREFIX, 0, key, 0, KEY_PREFIX.length);
				keyLength = KEY_PREFIX.length;
			} else if (found != ByteMatcher.NO_MATCH) {
				hit = Hit.SECRET;
			}
		}

		private void collectKey(byte b) {
			if (!isBase62(b)) {
				keyLength = -1;
				return;
			}
			key[keyLength++] = b;
			if (keyLength == AgentKey.LENGTH) {
				String candidate = new String(key, StandardCharsets.US_ASCII);
				keyLength = -1;
				if (AgentKey.shape(candidate) == AgentKey.Shape.VALID && !candidate.equals(ownKey)) {
					hit = Hit.AGENT_KEY;
				}
			}
		}

		private static boolean isBase62(byte c) {
			return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		}

		Hit hit() {
			return hit;
		}

		/** How many of the last bytes could still become a hit. */
		int partial() {
			return Math.max(matcher.depth(state), keyLength);
		}
	}
}
