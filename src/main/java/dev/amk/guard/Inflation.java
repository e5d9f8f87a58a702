package dev.amk.guard;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a compressed request body as its bytes arrive (pushed, not pulled: the body streams upstream compressed
 * while its inflated bytes are searched), within a bound, so that a small body cannot make the broker search
 * gigabytes. gzip members (RFC 1952: header, raw deflate data, 8-byte trailer, possibly several members) and zlib
 * (the {@code deflate} coding) are read.
 */
final class Inflation {
	/** Inflated bytes allowed per compressed byte, beyond {@link #FREE_BYTES}: ordinary JSON and text stay far below. */
	static final long RATIO = 100;
	/** Inflated bytes always allowed, however small the compressed body. */
	static final long FREE_BYTES = 1024 * 1024;

	/** The body inflates beyond the bound: refused rather than searched. */
	public static final class TooLarge extends Exception {
		TooLarge() {
			super("inflates beyond the bound", null, false, false);
		}
	}

	private enum Phase { HEADER, DATA, TRAILER }

	private final boolean gzip;
	private final byte[] out = new byte[16 * 1024];
	private Inflater inflater;
	private Phase phase;
	/** The gzip header or trailer read so far (headers are short unless they carry a name or comment, which are skipped). */
	private final byte[] head = new byte[10];
	private int headRead;
	private int flags;
	/** FEXTRA: its length bytes read so far, and how many of its bytes are still to skip. */
	private int extraLengthRead;
	private int extraLeft;
	private int optionalStep;
	private int trailerLeft;
	private long compressed;
	private long inflated;

	private Inflation(boolean gzip) {
		this.gzip = gzip;
		startMember();
	}

	static Inflation gzip() {
		return new Inflation(true);
	}

	static Inflation zlib() {
		return new Inflation(false);
	}

	private void startMember() {
		inflater = new Inflater(gzip); // gzip: raw deflate after our own header parsing; zlib: the Inflater reads the wrapper
		phase = gzip ? Phase.HEADER : Phase.DATA;
		headRead = 0;
		extraLengthRead = 0;
		extraLeft = 0;
		optionalStep = 0;
	}

	void inflate(byte[] bytes, int offset, int length, Tripwire.Scan scan) throws TooLarge, DataFormatException {
		compressed += length;
		int i = offset;
		int end = offset + length;
		while (i < end && scan.hit() == null) {
			switch (phase) {
				case HEADER -> i = header(bytes, i, end);
				case DATA -> i = data(bytes, i, end, scan);
				case TRAILER -> {
					int n = Math.min(trailerLeft, end - i);
					trailerLeft -= n;
					i += n;
					if (trailerLeft == 0) {
						startMember(); // another member may follow (concatenated gzip)
					}
				}
			}
		}
	}

	private int data(byte[] bytes, int i, int end, Tripwire.Scan scan) throws TooLarge, DataFormatException {
		inflater.setInput(bytes, i, end - i);
		while (true) {
			int n = inflater.inflate(out);
			if (n > 0) {
				inflated += n;
				if (inflated > FREE_BYTES + RATIO * compressed) {
					throw new TooLarge();
				}
				scan.feed(out, 0, n);
				if (scan.hit() != null) {
					return end;
				}
			}
			if (inflater.finished()) {
				int unread = inflater.getRemaining();
				inflater.end();
				if (gzip) {
					phase = Phase.TRAILER;
					trailerLeft = 8;
				} else {
					phase = Phase.TRAILER;
					trailerLeft = Integer.MAX_VALUE; // zlib has one stream: whatever follows is ignored
				}
				return end - unread;
			}
			if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
				if (inflater.needsDictionary()) {
					throw new DataFormatException("a preset dictionary is not supported");
				}
				return end;
			}
		}
	}

	/** Reads the gzip header: 10 fixed bytes, then the optional fields FLG announces. */
	private int header(byte[] bytes, int i, int end) throws DataFormatException {
		while (i < end && headRead < head.length) {
			head[headRead++] = bytes[i++];
			if (headRead == head.length) {
				if ((head[0] & 0xFF) != 0x1f || (head[1] & 0xFF) != 0x8b || head[2] != 8) {
					throw new DataFormatException("not gzip");
				}
				flags = head[3] & 0xFF;
			}
		}
		while (i < end && headRead == head.length) {
			switch (optionalStep) {
				case 0 -> { // FEXTRA: two length bytes (little-endian), then that many
					if ((flags & 4) == 0) {
						optionalStep = 1;
					} else if (extraLengthRead < 2) {
						extraLeft |= (bytes[i++] & 0xFF) << (8 * extraLengthRead);
						extraLengthRead++;
					} else if (extraLeft > 0) {
						int n = Math.min(extraLeft, end - i);
						extraLeft -= n;
						i += n;
					} else {
						optionalStep = 1;
					}
				}
				case 1, 2 -> { // FNAME, FCOMMENT: zero-terminated
					int flag = optionalStep == 1 ? 8 : 16;
					if ((flags & flag) == 0) {
						optionalStep++;
					} else if (bytes[i++] == 0) {
						optionalStep++;
					}
				}
				case 3 -> { // FHCRC: two bytes
					if ((flags & 2) == 0) {
						optionalStep = 5;
					} else {
						i++;
						optionalStep++;
					}
				}
				case 4 -> {
					i++;
					optionalStep = 5;
				}
				default -> {
					phase = Phase.DATA;
					return i;
				}
			}
		}
		if (headRead == head.length && optionalStep == 5) {
			phase = Phase.DATA;
		}
		return i;
	}
}
