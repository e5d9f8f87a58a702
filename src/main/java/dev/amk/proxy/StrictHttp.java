package dev.amk.proxy;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * HTTP/1.1 as strictly as RFC 9112 lets a server be, where Jetty's parser is lenient: a line ended by a bare
 * LF (§2.2) and a lower-case {@code http/1.1} (§2.3, the version is case-sensitive) are refused with 400,
 * since a peer that reads them differently could see another request than the broker checked. Jetty has no
 * switch for these; its parser is given a look at each request's head before it parses it.
 *
 * <p>The same look times the head: a connection whose request head is not complete within the header-read
 * deadline is closed by {@link #cutSlowHeads}, however steadily it trickles bytes (slowloris).
 */
final class StrictHttp extends HttpConnectionFactory {
	private final long headDeadlineNanos;

	StrictHttp(HttpConfiguration config, Duration headerReadTimeout) {
		super(config);
		this.headDeadlineNanos = headerReadTimeout.toNanos();
	}

	@Override
	public Connection newConnection(Connector connector, EndPoint endPoint) {
		StrictConnection connection = new StrictConnection(getHttpConfiguration(), connector, endPoint);
		connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
		connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
		return configure(connection, connector, endPoint);
	}

	/** Closes every connection whose current request head has been arriving for longer than the deadline. */
	void cutSlowHeads(Iterable<EndPoint> endPoints) {
		long now = System.nanoTime();
		for (EndPoint endPoint : endPoints) {
			// An intercepted tunnel's HTTP sits behind its TLS connection; closing the network side cuts both.
			Connection connection = endPoint.getConnection() instanceof SslConnection tls ? tls.getSslEndPoint().getConnection()
					: endPoint.getConnection();
			if (connection instanceof StrictConnection c && c.strict != null) {
				long began = c.strict.headBeganNanos;
				if (began != 0 && now - began > headDeadlineNanos) {
					endPoint.close();
				}
			}
		}
	}

	private static final class StrictConnection extends HttpConnection {
		private HttpParser.RequestHandler handler;
		private StrictParser strict;

		StrictConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
			super(config, connector, endPoint);
		}

		@Override
		protected RequestHandler newRequestHandler() {
			RequestHandler created = super.newRequestHandler();
			handler = created; // called by the super constructor, before newHttpParser
			return created;
		}

		@Override
		protected HttpParser newHttpParser(HttpCompliance compliance) {
			HttpConfiguration config = getHttpConfiguration();
			StrictParser parser = new StrictParser(handler, config.getRequestHeaderSize(), compliance);
			parser.setHeaderCacheSize(config.getHeaderCacheSize());
			parser.setHeaderCacheCaseSensitive(config.isHeaderCacheCaseSensitive());
			strict = parser;
			return parser;
		}
	}

	/** Looks at each request head's bytes once, before Jetty parses them; the body is not looked at. */
	static final class StrictParser extends HttpParser {
		private static final byte[] VERSION = "HTTP/".getBytes(StandardCharsets.US_ASCII);

		/** When the current request head began to arrive (System.nanoTime), or 0 while none is arriving. */
		volatile long headBeganNanos;
		private boolean inHead;
		private boolean firstLine;
		private int previous;
		private int lineLength;
		/** The last bytes of the request line, enough to hold {@code HTTP/1.1}. */
		private final byte[] lineEnd = new byte[8];

		StrictParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
			super(handler, maxHeaderBytes, compliance);
		}

		@Override
		public boolean parseNext(ByteBuffer buffer) {
			if (!inHead && getState() == State.START && buffer.hasRemaining()) {
				inHead = true;
				firstLine = true;
				previous = -1;
				lineLength = 0;
				headBeganNanos = System.nanoTime();
			}
			if (inHead) {
				String problem = inspect(buffer);
				if (problem != null) {
					inHead = false;
					headBeganNanos = 0;
					buffer.position(buffer.limit());
					badMessage(new BadMessageException(problem));
					return false;
				}
			}
			return super.parseNext(buffer);
		}

		/** Reads the head's bytes in {@code buffer} without consuming them; the reason to refuse it, or null. */
		private String inspect(ByteBuffer buffer) {
			for (int i = buffer.position(); i < buffer.limit() && inHead; i++) {
				int b = buffer.get(i) & 0xff;
				if (b == '\n') {
					if (previous != '\r') {
						return "A line ends with a bare LF; HTTP lines end with CR LF.";
					}
					if (firstLine) {
						firstLine = false;
						if (lineLength >= lineEnd.length && startsWithVersionIgnoringCase() && !startsWithVersion()) {
							return "The HTTP version must be written in capitals (HTTP/1.1).";
						}
					} else if (lineLength == 0) {
						inHead = false; // the empty line: the head is complete, what follows is the body
						headBeganNanos = 0;
					}
					lineLength = 0;
				} else if (b != '\r') {
					if (firstLine) {
						System.arraycopy(lineEnd, 1, lineEnd, 0, lineEnd.length - 1);
						lineEnd[lineEnd.length - 1] = (byte) b;
					}
					lineLength++;
				}
				previous = b;
			}
			return null;
		}

		private boolean startsWithVersion() {
			return Arrays.equals(lineEnd, 0, VERSION.length, VERSION, 0, VERSION.length);
		}

		private boolean startsWithVersionIgnoringCase() {
			for (int i = 0; i < VERSION.length; i++) {
				if (Character.toUpperCase(lineEnd[i]) != VERSION[i]) {
					return false;
				}
			}
			return true;
		}
	}
}
