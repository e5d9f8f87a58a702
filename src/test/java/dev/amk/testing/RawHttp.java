package dev.amk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends hand-written bytes over a real socket: for requests no well-behaved client would send. */
public final class RawHttp {
	private RawHttp() {
	}

	/** The first response's status code, or -1 if the connection closed without one. Reads with a 5 s deadline. */
	public static int status(int port, String request) throws IOException {
		String response = exchange(port, request);
		if (!response.startsWith("HTTP/1.")) {
			return -1;
		}
		return Integer.parseInt(response.substring(9, 12));
	}

	public static String exchange(int port, String request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buf = new byte[8192];
			try {
				int n;
				while ((n = in.read(buf)) != -1) {
					out.write(buf, 0, n);
				}
			} catch (SocketTimeoutException | java.net.SocketException e) {
				// whatever arrived is the answer
			}
			return out.toString(StandardCharsets.ISO_8859_1);
		}
	}
}
