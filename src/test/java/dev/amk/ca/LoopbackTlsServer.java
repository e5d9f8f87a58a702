package dev.amk.ca;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TLS server on 127.0.0.1 that presents whatever certificate its context's key manager picks (the local
 * CA's {@link SniKeyManager}) and answers every HTTP/1.1 request with {@code 200 hello HOST} where HOST is
 * the SNI name the client sent. Keeps connections alive, so one socket can carry many requests; records
 * handshakes that failed.
 */
final class LoopbackTlsServer implements AutoCloseable {
	private final SSLServerSocket server;
	final List<String> failedHandshakes = new CopyOnWriteArrayList<>();
	final List<String> requestLines = new CopyOnWriteArrayList<>();

	LoopbackTlsServer(SSLContext context) throws IOException {
		server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
		server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		Thread.ofVirtual().name("tls-accept").start(this::acceptLoop);
	}

	int port() {
		return server.getLocalPort();
	}

	private void acceptLoop() {
		while (!server.isClosed()) {
			try {
				Socket s = server.accept();
				Thread.ofVirtual().start(() -> serve((SSLSocket) s));
			} catch (IOException e) {
				return; // closed
			}
		}
	}

	private void serve(SSLSocket socket) {
		try (socket) {
			try {
				socket.startHandshake();
			} catch (IOException e) {
				failedHandshakes.add(String.valueOf(e.getMessage()));
				return;
			}
			String sni = socket.getSession() instanceof javax.net.ssl.ExtendedSSLSession ext && !ext.getRequestedServerNames().isEmpty()
					? ((javax.net.ssl.SNIHostName) ext.getRequestedServerNames().getFirst()).getAsciiName() : "-";
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			String head;
			while ((head = readHead(in)) != null) {
				requestLines.add(head.lines().findFirst().orElse(""));
				String body = "hello " + sni;
				// One write, so one TLS record: the tests' clients read the answer with a single read.
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
						.getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
		} catch (IOException e) {
			// the client went away
		}
	}

	/** The request head up to the blank line; requests here have no body. Null at the end of the stream. */
	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			head.write(b);
			byte[] h = head.toByteArray();
			int n = h.length;
			if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
				return head.toString(StandardCharsets.US_ASCII);
			}
		}
		return null;
	}

	@Override
	public void close() throws IOException {
		server.close();
	}
}
