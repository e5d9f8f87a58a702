package dev.amk.proxy;

import dev.amk.access.Refusal;
import dev.amk.audit.AuditDraft;
import dev.amk.guard.Tripwire;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InputStream;

/**
 * The agent's request body, streamed upstream as it arrives rather than buffered. A failure to read the agent's
 * side (a broken chunked framing, a cut slow upload, the agent leaving) is remembered, so that it is answered as
 * the agent's fault and not as the upstream's.
 *
 * <p>With a {@link Tripwire.BodyScan}, every read is searched before it is sent, and the end of a read that could be
 * the start of a secret is held back until the next read decides (at most the longest secret form's length), so
 * that not even the first half of a secret split across two reads goes upstream. A hit ends the upload: the write
 * fails, OkHttp drops the upstream connection mid-request, and the agent is refused {@code secret_in_request}.
 */
final class StreamingBody extends RequestBody {
	static final int CHUNK = 16 * 1024;

	private final InputStream in;
	private final long length;
	private final AuditDraft audit;
	private final Runnable abort;
	/** Set once the request is tracked: an upload in progress is activity, not silence. */
	volatile InFlightRequests.Entry entry;
	private volatile IOException agentFailure;
	private final Tripwire.BodyScan scan;
	/** Why the body was stopped by the tripwire, or null. */
	private volatile Refusal stopped;

	/** @param abort fails a blocked read of the agent's body: called when the upload is cut for being too slow */
	StreamingBody(InputStream in, long length, AuditDraft audit, Runnable abort) {
		this(in, length, audit, abort, null);
	}

	/** @param scan the exfiltration tripwire's search of this body, or null for none */
	StreamingBody(InputStream in, long length, AuditDraft audit, Runnable abort, Tripwire.BodyScan scan) {
		this.in = in;
		this.length = length;
		this.audit = audit;
		this.abort = abort;
		this.scan = scan;
	}

	/** Why the tripwire stopped the upload (a secret found, or a body it could not read), or null when it did not. */
	Refusal stopped() {
		return stopped;
	}

	@Override
	public MediaType contentType() {
		return null; // the agent's own Content-Type header is forwarded verbatim
	}

	@Override
	public long contentLength() {
		return length;
	}

	@Override
	public boolean isOneShot() {
		return true;
	}

	/** Why reading the agent's body failed, or null when it did not. */
	IOException agentFailure() {
		return agentFailure;
	}

	@Override
	public void writeTo(BufferedSink sink) throws IOException {
		InFlightRequests.Entry e = entry;
		if (e != null) {
			e.uploadStarted(abort);
		}
		try {
			if (scan != null) {
				writeScanned(sink, e);
				return;
			}
			byte[] buffer = new byte[CHUNK];
			while (true) {
				int n = readFromAgent(buffer);
				if (n == -1) {
					return;
				}
				sink.write(buffer, 0, n);
				sink.flush();
				audit.addBytesIn(n);
				if (e != null) {
					e.uploaded(n);
				}
			}
		} finally {
			if (e != null) {
				e.uploadEnded();
			}
		}
	}

	/** One read of the agent's body; a failure is remembered as the agent's, so the answer blames the right side. */
	private int readFromAgent(byte[] buffer) throws IOException {
		try {
			return in.read(buffer);
		} catch (IOException | RuntimeException failure) {
			agentFailure = failure instanceof IOException io ? io : new IOException(failure);
			throw agentFailure;
		}
	}

	/** As the plain loop, with each read searched first and a possible secret's beginning kept back. */
	private void writeScanned(BufferedSink sink, InFlightRequests.Entry e) throws IOException {
		byte[] buffer = new byte[CHUNK];
		byte[] held = new byte[0];
		int heldLength = 0;
		while (true) {
			int n = readFromAgent(buffer);
			if (n == -1) {
				sink.write(held, 0, heldLength); // the body ended before the held bytes became a secret
				sink.flush();
				return;
			}
			audit.addBytesIn(n);
			if (e != null) {
				e.uploaded(n);
			}
			Tripwire.Hit hit;
			try {
				hit = scan.feed(buffer, 0, n);
			} catch (Tripwire.UnreadableBody unreadable) {
				throw stop(ExfiltrationCheck.unreadableBody(unreadable.why()));
			}
			if (hit != null) {
				throw stop(ExfiltrationCheck.refusal(hit, "body"));
			}
			int keep = Math.min(scan.heldBack(), heldLength + n);
			int send = heldLength + n - keep;
			int fromHeld = Math.min(send, heldLength);
			sink.write(held, 0, fromHeld);
			sink.write(buffer, 0, send - fromHeld);
			sink.flush();
			// What is kept: the tail of held + buffer, of length keep.
			byte[] next = new byte[keep];
			int keptFromHeld = heldLength - fromHeld;
			System.arraycopy(held, fromHeld, next, 0, keptFromHeld);
			System.arraycopy(buffer, send - fromHeld, next, keptFromHeld, keep - keptFromHeld);
			held = next;
			heldLength = keep;
		}
	}

	private IOException stop(Refusal why) {
		stopped = why;
		return new IOException(why.type().type());
	}
}
