package dev.amk.proxy;

import java.nio.charset.StandardCharsets;

/**
 * Where the frames are in one direction of a relayed WebSocket byte stream (RFC 6455 §5.2), read from their headers alone:
 * the relay passes bytes on as they arrive, whole frames or not, and needs to know whether the stream is between two
 * frames, the one place the broker may put a close frame of its own, and whether each frame's mask bit is the one its
 * direction must have (§5.1: every frame a client sends is masked, no frame a server sends is). Payloads are never looked
 * at, so extensions (permessage-deflate) and the masked bytes pass through untouched.
 *
 * <p>Not thread-safe: one direction of one socket, fed by the one thread that relays it.
 */
final class WebSocketFrames {
	/** RFC 6455 §7.4.1: "an endpoint is terminating the connection because it has received a message that violates its policy". */
	static final int POLICY_VIOLATION = 1008;
	/** RFC 6455 §7.4.1: the endpoint is going away (the broker stops, or the socket was silent for too long). */
	static final int GOING_AWAY = 1001;
	/** RFC 6455 §7.4.1: "an endpoint is terminating the connection due to a protocol error" (here: a frame masked the wrong way). */
	static final int PROTOCOL_ERROR = 1002;
	/** A close frame's reason is at most 123 bytes: the control frame's payload is at most 125 (§5.5). */
	private static final int MAX_REASON = 123;

	/** Which way the frames go, and so which mask bit they must have; null: not checked. */
	enum Direction {
		/** The agent's frames: a client's, masked. */
		FROM_CLIENT(true),
		/** The upstream's frames: a server's, never masked. */
		FROM_SERVER(false);

		final boolean masked;

		Direction(boolean masked) {
			this.masked = masked;
		}
	}

	private final Direction direction;
	private final byte[] head = new byte[14];
	private int headLength;
	private long payloadLeft;
	private boolean violated;

	/** Frames followed without a check of their mask bit. */
	WebSocketFrames() {
		this(null);
	}

	WebSocketFrames(Direction direction) {
		this.direction = direction;
	}

	/**
	 * Follows {@code length} more bytes of the stream.
	 *
	 * @return how many of them may be relayed: all of them, or, when a frame's mask bit is wrong for the direction, those
	 *         before that frame (its first byte may have come, and gone on, in an earlier read: then the stream is left
	 *         mid-frame and {@link #atBoundary()} says so). After a violation nothing more is relayed.
	 */
	int feed(byte[] bytes, int offset, int length) {
		if (violated) {
			return 0;
		}
		int i = offset;
		int end = offset + length;
		int frameStart = offset;
		while (i < end) {
			if (payloadLeft > 0) {
				long take = Math.min(payloadLeft, end - i);
				payloadLeft -= take;
				i += (int) take;
				continue;
			}
			if (headLength == 0) {
				frameStart = i;
			}
			head[headLength++] = bytes[i++];
			if (headLength == 2 && direction != null && ((head[1] & 0x80) != 0) != direction.masked) {
				violated = true;
				boolean startedHere = i - 2 >= offset;
				headLength = startedHere ? 0 : 1; // what was relayed ends before this frame, or after its first byte
				return startedHere ? frameStart - offset : 0;
			}
			int needed = headerLength();
			if (needed > 0 && headLength == needed) {
				payloadLeft = payloadLength();
				headLength = 0;
			}
		}
		return length;
	}

	/** Whether a frame with the wrong mask bit has come: the socket must be failed (§5.1), with {@link #PROTOCOL_ERROR}. */
	boolean violated() {
		return violated;
	}

	/** Whether the bytes so far end exactly at the end of a frame (or nothing came yet). */
	boolean atBoundary() {
		return headLength == 0 && payloadLeft == 0;
	}

	/** The header's full length once its second byte is known, else -1. */
	private int headerLength() {
		if (headLength < 2) {
			return -1;
		}
		int length7 = head[1] & 0x7f;
		int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
		int mask = (head[1] & 0x80) != 0 ? 4 : 0;
		return 2 + extended + mask;
	}

	private long payloadLength() {
		int length7 = head[1] & 0x7f;
		if (length7 < 126) {
			return length7;
		}
		int bytes = length7 == 126 ? 2 : 8;
		long n = 0;
		for (int k = 0; k < bytes; k++) {
			n = (n << 8) | (head[2 + k] & 0xff);
		}
		return n & Long.MAX_VALUE; // the top bit must be 0 (§5.2); a peer that sets it is broken either way
	}

	/** A close frame as a server sends it (unmasked, §5.1), with {@code code} and a reason cut to the allowed length. */
	static byte[] serverClose(int code, String reason) {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		int n = Math.min(text.length, MAX_REASON);
		while (n > 0 && n < text.length && (text[n] & 0xc0) == 0x80) {
			n--; // never cut a UTF-8 sequence in two: the client would fail the close as invalid text (1007)
		}
		byte[] frame = new byte[4 + n];
		frame[0] = (byte) 0x88; // FIN + opcode 8 (close)
		frame[1] = (byte) (2 + n);
		frame[2] = (byte) (code >> 8);
		frame[3] = (byte) code;
		System.arraycopy(text, 0, frame, 4, n);
		return frame;
	}
}
