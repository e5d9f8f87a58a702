package dev.amk.proxy;

import dev.amk.audit.AuditDraft;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InputStream;

/** The agent's request body, streamed upstream as it arrives rather than buffered. */
final class StreamingBody extends RequestBody {
	static final int CHUNK = 16 * 1024;

	private final InputStream in;
	private final long length;
	private final AuditDraft audit;
	/** Set once the request is tracked: an upload in progress is activity, not silence. */
	volatile InFlightRequests.Entry entry;

	StreamingBody(InputStream in, long length, AuditDraft audit) {
		this.in = in;
		this.length = length;
		this.audit = audit;
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

	@Override
	public void writeTo(BufferedSink sink) throws IOException {
		byte[] buffer = new byte[CHUNK];
		int n;
		while ((n = in.read(buffer)) != -1) {
			sink.write(buffer, 0, n);
			sink.flush();
			audit.addBytesIn(n);
			InFlightRequests.Entry e = entry;
			if (e != null) {
				e.touch();
			}
		}
	}
}
