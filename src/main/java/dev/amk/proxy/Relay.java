package dev.amk.proxy;

import dev.amk.audit.AuditDraft;
import dev.amk.common.ErrorType;
import okio.Buffer;
import okio.BufferedSource;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Streams the upstream's answer to the agent as it arrives: status, headers without hop-by-hop ones, then each
 * chunk flushed at once (server-sent events must not wait). The real credential is masked wherever the
 * upstream echoes it. Does not end the response: the front door records the audit row first.
 */
final class Relay {
	private Relay() {
	}

	/** @throws ExchangeBroken when the upstream broke or was cut mid-answer, or the agent went away */
	static void relay(Forwarder.Forwarded forwarded, Response response, AuditDraft audit) throws ExchangeBroken {
		okhttp3.Response upstream = forwarded.answer();
		InFlightRequests.Entry entry = forwarded.entry();
		SecretMask mask = forwarded.mask();
		entry.streaming = true;
		entry.touch();
		audit.status(upstream.code());
		response.setStatus(upstream.code());
		copyHeaders(upstream, response.getHeaders(), mask);
		String encoding = upstream.header("Content-Encoding");
		SecretMask bodyMask = encoding == null || encoding.equalsIgnoreCase("identity") ? mask : null;
		BufferedSource source = upstream.body().source();
		Buffer buffer = new Buffer();
		while (true) {
			long n;
			try {
				n = source.read(buffer, StreamingBody.CHUNK);
			} catch (IOException e) {
				throw ExchangeBroken.cut(whyCut(entry), e);
			}
			if (n == -1) {
				return;
			}
			entry.touch();
			audit.addBytesOut(n);
			byte[] chunk = buffer.readByteArray();
			if (bodyMask != null) {
				bodyMask.maskInPlace(chunk);
			}
			try {
				writeAndFlush(response, ByteBuffer.wrap(chunk));
			} catch (IOException e) {
				// The agent went away: stop the upstream work it no longer wants.
				entry.call.cancel();
				throw ExchangeBroken.clientClosed(e);
			}
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
		List<String> connectionListed = HopByHop.connectionTokens(from.headers("Connection"));
		for (var pair : from.headers()) {
			if (HopByHop.returned(pair.getFirst(), connectionListed)) {
				to.add(pair.getFirst(), mask == null ? pair.getSecond() : mask.mask(pair.getSecond()));
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
