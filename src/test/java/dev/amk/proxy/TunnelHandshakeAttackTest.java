package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile TLS handshakes inside an intercepted tunnel: a flood of bytes that are not TLS, an oversized ClientHello, and
 * many tunnels that never finish their handshake. Each is dropped without an answer worth having, nothing reaches the
 * upstream, and the broker keeps serving everyone else meanwhile.
 */
class TunnelHandshakeAttackTest {
	@TempDir
	Path home;
	MockWebServer upstream;
	BrokerFixture broker;
	String key;

	@BeforeEach
	void start() throws Exception {
		upstream = new MockWebServer();
		upstream.start(InetAddress.getLoopbackAddress(), 0);
		broker = BrokerFixture.start(home, settings -> settings);
		BrokerFixture.CliResult add = broker.cliWithStdin("sk-real-0123456789\n", "connection", "add", "openai", "--provider", "openai",
				"--host-map", "api.openai.com=http://127.0.0.1:" + upstream.getPort());
		assertEquals(0, add.exit(), add.err());
		key = broker.createAgent("coder", "openai");
		assertEquals(0, broker.cli("ca", "path").exit());
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.close();
	}

	/** A socket after a successful CONNECT to api.openai.com, before any TLS byte. */
	private Socket connected() throws IOException {
		Socket s = new Socket(InetAddress.getLoopbackAddress(), broker.port());
		s.setSoTimeout(10_000);
		String auth = Base64.getEncoder().encodeToString(("coder:" + key).getBytes(StandardCharsets.UTF_8));
		s.getOutputStream().write(("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nProxy-Authorization: Basic " + auth
				+ "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		String head = readHead(s.getInputStream());
		assertTrue(head.startsWith("HTTP/1.1 200"), head);
		return s;
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder b = new StringBuilder();
		while (!b.toString().endsWith("\r\n\r\n")) {
			int c = in.read();
			if (c < 0) {
				break;
			}
			b.append((char) c);
		}
		return b.toString();
	}

	/** Reads until the broker closes the connection; true when it did within the socket's timeout. */
	private static boolean closedByBroker(Socket s) throws IOException {
		try {
			InputStream in = s.getInputStream();
			byte[] buffer = new byte[4096];
			while (in.read(buffer) >= 0) {
				// a TLS alert may come first
			}
			return true;
		} catch (SocketTimeoutException e) {
			return false;
		} catch (IOException reset) {
			return true;
		}
	}

	private void assertStillServing() {
		upstream.enqueue(new MockResponse.Builder().body("{}").build());
		var r = broker.get("/openai/v1/models", "Authorization", "Bearer " + key);
		assertEquals(200, r.statusCode(), r.body());
	}

	@Test
	@DisplayName("bytes that are not TLS after the CONNECT: the tunnel is closed, nothing goes upstream, the broker serves on")
	void garbageHandshake() throws Exception {
		try (Socket s = connected()) {
			OutputStream out = s.getOutputStream();
			try {
				out.write("GET / HTTP/1.1\r\nHost: api.openai.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.write(new byte[256 * 1024]);
			} catch (IOException closedWhileWriting) {
				// the broker may close before all of it is sent
			}
			assertTrue(closedByBroker(s), "the broker closed the tunnel");
		}
		assertEquals(0, upstream.getRequestCount());
		assertStillServing();
	}

	@Test
	@DisplayName("an oversized ClientHello (a TLS record header announcing 1 MB): closed, never buffered whole")
	void oversizedClientHello() throws Exception {
		try (Socket s = connected()) {
			OutputStream out = s.getOutputStream();
			try {
				// TLS record: handshake (22), TLS 1.2, length 0xFFFF, then a ClientHello header claiming 16 MB
				out.write(new byte[] {22, 3, 3, (byte) 0xff, (byte) 0xff, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff});
				for (int i = 0; i < 64; i++) {
					out.write(new byte[16 * 1024]);
				}
			} catch (IOException closedWhileWriting) {
				// expected: the record is refused before it ends
			}
			assertTrue(closedByBroker(s));
		}
		assertEquals(0, upstream.getRequestCount());
		assertStillServing();
	}

	@Test
	@DisplayName("fifty tunnels stuck before their handshake do not stop another agent's requests")
	void stalledHandshakes() throws Exception {
		List<Socket> stuck = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				Socket s = connected();
				s.getOutputStream().write(new byte[] {22, 3, 1}); // the start of a record, then silence
				stuck.add(s);
			}
			long start = System.nanoTime();
			assertStillServing();
			assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "served at once beside the stalled handshakes");
		} finally {
			for (Socket s : stuck) {
				s.close();
			}
		}
	}
}
