package dev.amk.proxy;

import dev.amk.audit.AuditDraft;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InputStream;

/**
 * The agent's request body, streamed upstream as it arrives rather than buffered. A failure to read the agent's
 * side (a broken chunked framing, a cut slow upload, the agent leaving) is remembered, so that it is answered as
 * the agent's fault and not as the upstream's.
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

	/** @param abort fails a blocked read of the agent's body: called when the upload is cut for being too slow */
	StreamingBody(InputStream in, long length, AuditDraft audit, Runnable abort) {
		this.in = in;
		this.length = length;
		this.audit = audit;
		this.abort = abort;
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
			byte[] buffer = new byte[CHUNK];
			while (true) {
				int n;
				try {
					n = in.read(buffer);
				} catch (IOException | RuntimeException failure) {
					agentFailure = failure instanceof IOException io ? io : new IOException(failure);
					throw agentFailure;
				}
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
}
