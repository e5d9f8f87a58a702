package dev.amk.proxy;

import dev.amk.audit.AuditDraft;
import dev.amk.common.ErrorType;
import dev.amk.limits.UsageMeter;
import okio.Buffer;
import okio.BufferedSource;
import okio.GzipSource;
import okio.InflaterSource;
import okio.Okio;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.Inflater;

/**
 * Streams the upstream's answer to the agent as it arrives: status, headers without hop-by-hop ones, then each
 * chunk flushed at once (server-sent events must not wait). The real credential is masked wherever the
 * upstream echoes it (see {@link SecretMask}).
 *
 * <p>The broker asks the upstream for an uncompressed answer ({@link UpstreamRequest}); an upstream that
 * compresses with gzip or deflate anyway is decompressed here, so that the mask sees the bytes, and sent on
 * uncompressed. Other codings (br, zstd) cannot be read by the JDK and pass through unmasked: the README's
 * threat model says so.
 *
 * <p>Does not end the response: the front door records the audit row first, and only then sends the
 * {@linkplain #relay returned tail}, so that the row exists before the agent has its last byte.
 */
final class Relay {
	private Relay() {
	}

	/**
	 * @return the last bytes of the answer, not yet sent: the front door sends them, with the end of the response, once the audit
	 *         row is written
	 * @throws ExchangeBroken when the upstream broke or was cut mid-answer, or the agent went away
	 */
	static ByteBuffer relay(Forwarder.Forwarded forwarded, Response response, AuditDraft audit) throws ExchangeBroken {
		return relay(forwarded, response, audit, null);
	}

	/** @param meter looks at each chunk as it passes (usage of an LLM answer), holding nothing back; null: none */
	static ByteBuffer relay(Forwarder.Forwarded forwarded, Response response, AuditDraft audit, UsageMeter meter) throws ExchangeBroken {
		okhttp3.Response upstream = forwarded.answer();
		InFlightRequests.Entry entry = forwarded.entry();
		SecretMask mask = forwarded.mask();
		entry.streaming = true;
		entry.touch();
		audit.status(upstream.code());
		response.setStatus(upstream.code());
		String encoding = upstream.header("Content-Encoding");
		String coding = encoding == null ? "identity" : encoding.strip().toLowerCase(Locale.ROOT);
		boolean decompress = mask != null && (coding.equals("gzip") || coding.equals("x-gzip") || coding.equals("deflate"));
		copyHeaders(upstream, response.getHeaders(), mask, decompress);
		SecretMask.Scanner scanner = mask != null && (coding.equals("identity") || decompress) ? mask.scanner() : null;
		BufferedSource source = upstream.body().source();
		if (decompress) {
			source = Okio.buffer(coding.equals("deflate") ? new InflaterSource(source, new Inflater()) : new GzipSource(source));
		}
		// With a known length the body's last chunk is known when it arrives: keep it back for the front door.
		long remaining = decompress ? -1 : upstream.body().contentLength();
		Buffer buffer = new Buffer();
		while (true) {
			long n;
			try {
				n = source.read(buffer, StreamingBody.CHUNK);
			} catch (IOException e) {
				throw ExchangeBroken.cut(whyCut(entry), e);
			}
			if (n == -1) {
				return ByteBuffer.wrap(scanner == null ? new byte[0] : scanner.rest());
			}
			entry.touch();
			audit.addBytesOut(n);
			byte[] chunk = buffer.readByteArray();
			if (meter != null) {
				meter.onChunk(chunk);
			}
			if (scanner != null) {
				chunk = scanner.next(chunk);
			}
			if (remaining > 0) {
				remaining -= n;
				if (remaining <= 0) {
					// The whole last chunk goes with the end of the response, in one write: recording the row first
					// takes microseconds (the audit journal), so holding a chunk back delays nothing a client notices.
					return ByteBuffer.wrap(scanner == null ? chunk : concat(chunk, scanner.rest()));
				}
			}
			write(response, entry, ByteBuffer.wrap(chunk));
		}
	}

	private static byte[] concat(byte[] a, byte[] b) {
		if (b.length == 0) {
			return a;
		}
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private static void write(Response response, InFlightRequests.Entry entry, ByteBuffer chunk) throws ExchangeBroken {
		if (!chunk.hasRemaining()) {
			return;
		}
		try {
			writeAndFlush(response, chunk);
		} catch (IOException e) {
			// The agent went away: stop the upstream work it no longer wants.
			entry.cancel();
			throw ExchangeBroken.clientClosed(e);
		}
	}

	/** Mid-stream, the status line is already out: the only honest signal left is a broken stream, and the audit reason. */
	private static ErrorType whyCut(InFlightRequests.Entry entry) {
		if (entry.cut == InFlightRequests.Cut.ACCESS_ENDED) {
			return entry.refusal.type();
		}
		return entry.cut == InFlightRequests.Cut.IDLE_TIMEOUT ? ErrorType.UPSTREAM_TIMEOUT : ErrorType.UPSTREAM_UNREACHABLE;
	}

	static void copyHeaders(okhttp3.Response from, HttpFields.Mutable to, SecretMask mask) {
		copyHeaders(from, to, mask, false);
	}

	/** @param decompressed whether the body is sent decompressed: its coding and length then no longer apply */
	private static void copyHeaders(okhttp3.Response from, HttpFields.Mutable to, SecretMask mask, boolean decompressed) {
		List<String> connectionListed = HopByHop.connectionTokens(from.headers("Connection"));
		for (var pair : from.headers()) {
			String name = pair.getFirst();
			if (decompressed && (name.equalsIgnoreCase("Content-Encoding") || name.equalsIgnoreCase("Content-Length"))) {
				continue;
			}
			if (HopByHop.returned(name, connectionListed)) {
				to.add(name, mask == null ? pair.getSecond() : mask.mask(pair.getSecond()));
			}
		}
	}

	private static void writeAndFlush(Response response, ByteBuffer chunk) throws IOException {
		try (Blocker.Callback blocker = Blocker.callback()) {
			response.write(false, chunk, blocker);
			blocker.block();
		}
	}
}
