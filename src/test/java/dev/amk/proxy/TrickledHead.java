package dev.amk.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A slowloris client: a request head begun, then one byte every 50 ms, for five seconds. */
final class TrickledHead {
	private TrickledHead() {
	}

	/**
	 * Trickles {@code headStart} and more onto {@code out} and expects the broker to close the connection (at most a 408
	 * first) before {@code in}'s read timeout.
	 */
	static void assertCut(OutputStream out, InputStream in, String headStart) throws IOException {
		out.write(headStart.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
			try {
				for (int i = 0; i < 100; i++) {
					out.write('X');
					out.flush();
					Thread.sleep(50); // the attacker's pace, not a synchronisation
				}
			} catch (IOException | InterruptedException ignored) {
				// cut: what the test expects
			}
		});
		try {
			byte[] answer = in.readAllBytes();
			assertTrue(answer.length == 0 || new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 408"));
		} catch (SocketTimeoutException e) {
			throw new AssertionError("the trickling connection was still open at the read timeout");
		} catch (IOException cut) {
			// cut: a reset, or under TLS the end of the stream without close_notify
		} finally {
			trickle.cancel(true);
		}
	}
}
