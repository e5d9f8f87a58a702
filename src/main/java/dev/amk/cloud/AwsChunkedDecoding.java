package dev.amk.cloud;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;
import okio.Sink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;

/**
 * An {@code aws-chunked} upload turned back into its plain payload, streamed: each chunk's header ({@code HEX;
 * chunk-signature=…}) and the closing trailers are dropped, the data goes on. The tool signed its chunks with its
 * placeholder key, so those signatures are worthless; rather than re-sign each chunk the broker sends the decoded
 * bytes as {@code UNSIGNED-PAYLOAD}, which S3 accepts over TLS (the only way the broker talks to AWS). A body that
 * does not decode to exactly {@code x-amz-decoded-content-length} bytes fails the upload.
 */
final class AwsChunkedDecoding extends RequestBody {
	private static final int MAX_HEADER_LINE = 8 * 1024;

	private final RequestBody encoded;
	private final long decodedLength;

	AwsChunkedDecoding(RequestBody encoded, long decodedLength) {
		this.encoded = encoded;
		this.decodedLength = decodedLength;
	}

	@Override
	public MediaType contentType() {
		return null; // the tool's Content-Type header goes as it was signed
	}

	@Override
	public long contentLength() {
		return decodedLength;
	}

	@Override
	public void writeTo(BufferedSink sink) throws IOException {
		Decoder decoder = new Decoder(sink);
		BufferedSink into = Okio.buffer(decoder);
		encoded.writeTo(into);
		into.flush();
		decoder.finish();
	}

	/** The chunk framing as a state machine over whatever slices the body arrives in. */
	private final class Decoder extends ForwardingSink {
		private enum State { HEADER, DATA, DATA_END, TRAILERS, DONE }

		private final BufferedSink out;
		private final StringBuilder line = new StringBuilder();
		private State state = State.HEADER;
		private long remaining;
		private long written;

		Decoder(BufferedSink out) {
			super(new Buffer()); // never written: write() below is the whole job
			this.out = out;
		}

		@Override
		public void write(Buffer source, long byteCount) throws IOException {
			long left = byteCount;
			while (left > 0) {
				if (Thread.currentThread().isInterrupted()) {
					throw new InterruptedIOException();
				}
				switch (state) {
					case DATA -> {
						long n = Math.min(remaining, left);
						out.write(source, n);
						remaining -= n;
						left -= n;
						written += n;
						if (remaining == 0) {
							state = State.DATA_END;
							line.setLength(0);
						}
					}
					case HEADER, DATA_END, TRAILERS -> {
						char c = (char) (source.readByte() & 0xff);
						left--;
						if (c != '\n') {
							if (line.length() >= MAX_HEADER_LINE) {
								throw new ProtocolException("aws-chunked framing line too long");
							}
							line.append(c);
							continue;
						}
						String text = line.toString().strip();
						line.setLength(0);
						lineEnded(text);
					}
					case DONE -> {
						source.skip(left);
						left = 0;
					}
				}
			}
		}

		private void lineEnded(String text) throws IOException {
			switch (state) {
				case DATA_END -> {
					if (!text.isEmpty()) {
						throw new ProtocolException("aws-chunked data not followed by CRLF");
					}
					state = State.HEADER;
				}
				case HEADER -> {
					int semi = text.indexOf(';');
					String size = semi < 0 ? text : text.substring(0, semi);
					try {
						remaining = Long.parseLong(size.strip(), 16);
					} catch (NumberFormatException e) {
						throw new ProtocolException("aws-chunked chunk size is not hexadecimal");
					}
					if (remaining < 0 || written + remaining > decodedLength) {
						throw new ProtocolException("aws-chunked body is longer than x-amz-decoded-content-length");
					}
					state = remaining == 0 ? State.TRAILERS : State.DATA;
				}
				case TRAILERS -> {
					// Trailing checksums (x-amz-checksum-*) and the trailer signature: dropped with the framing; S3 checks the
					// body against Content-MD5 when the tool sent one.
					if (text.isEmpty()) {
						state = State.DONE;
					}
				}
				default -> throw new IllegalStateException(state.name());
			}
		}

		void finish() throws IOException {
			if (written != decodedLength || (state != State.DONE && state != State.TRAILERS)) {
				throw new ProtocolException("aws-chunked body ended after " + written + " of " + decodedLength + " bytes");
			}
			out.flush();
		}

		@Override
		public void flush() throws IOException {
			out.flush();
		}

		@Override
		public void close() {
			// the outer sink belongs to OkHttp
		}
	}

}
