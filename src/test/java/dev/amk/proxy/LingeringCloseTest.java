package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refusal that closes the connection while the agent is still sending its body: the agent reads the JSON error every
 * time (without the lingering close about one try in twelve saw a dropped connection instead), and a client that stops
 * sending is not held beyond the linger's bound.
 */
class LingeringCloseTest {
	private static final String SERVER_KEY = "mcp-static-" + "Lg4mQ9vT2wX8";

	@TempDir
	Path home;
	BrokerFixture broker;
	FakeMcpServer server;
	String key;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		server = FakeMcpServer.start().staticKey(SERVER_KEY);
		assertEquals(0, broker.cliWithStdin(SERVER_KEY + "\n", "mcp", "add", "docs", "--url", server.url(), "--header", "Authorization").exit());
		broker.awaitRegistry(s -> s.connection("docs") != null);
		key = broker.createAgent("reader", "docs:tools=read_*");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	@Test
	@DisplayName("an over-large body refused before it is read: the agent gets the 413 every time, not a reset")
	void refusalAlwaysArrives() {
		String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_page\",\"arguments\":{\"x\":\""
				+ "a".repeat(McpExchange.MAX_BODY) + "\"}}}";
		for (int i = 0; i < 40; i++) {
			HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/docs")).header("Authorization", "Bearer " + key)
					.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)).build());
			assertEquals(413, r.statusCode(), "try " + i);
			assertEquals("request_too_large", BrokerFixture.errorType(r));
		}
		assertTrue(server.received().isEmpty());
	}

	@Test
	@DisplayName("a client that announces a huge body and stops sending gets its answer, and the connection closes soon after")
	void stalledClientIsLetGo() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(10_000); // below the connector's 30 s idle timeout: a close by then is the linger's
			OutputStream out = socket.getOutputStream();
			out.write(("POST /docs HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port() + "\r\nAuthorization: Bearer " + key
					+ "\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"jsonrpc\":").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			for (int n; (n = in.read(buffer)) != -1; ) { // ends at the broker's close; a timeout here fails the test
				answer.write(buffer, 0, n);
			}
			String text = answer.toString(StandardCharsets.UTF_8);
			assertTrue(text.startsWith("HTTP/1.1 413 "), text);
			assertTrue(text.contains("\"request_too_large\""), text);
		}
	}

	/** One answer read from a raw socket: its head, then exactly Content-Length bytes of body. */
	private static String readAnswer(InputStream in) throws java.io.IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b == -1) {
				throw new java.io.EOFException("the broker closed the connection instead of answering: " + head);
			}
			head.write(b);
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
		assertTrue(length.find(), text);
		return text + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
	}

	private String refusedPost(int contentLength) {
		return "POST /nowhere/v1/x HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port() + "\r\nAuthorization: Bearer " + key
				+ "\r\nContent-Length: " + contentLength + "\r\n\r\n";
	}

	@Test
	@DisplayName("a refusal made before the body arrived says Connection: close, so no client reuses a connection about to close")
	void refusalBeforeTheBodySaysClose() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(refusedPost(10).getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String answer = readAnswer(in);
			assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
			assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
			out.write("0123456789".getBytes(StandardCharsets.US_ASCII)); // the body, late: drained, then the connection ends
			out.flush();
			assertEquals(-1, in.read());
		}
	}

	@Test
	@DisplayName("a refusal whose body had all arrived keeps the connection: the next request on it is answered")
	void refusalAfterTheWholeBodyKeepsTheConnection() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			for (int i = 0; i < 3; i++) {
				out.write((refusedPost(10) + "0123456789").getBytes(StandardCharsets.US_ASCII));
				out.flush();
				String answer = readAnswer(in);
				assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
				assertTrue(answer.contains("unknown_connection"), answer);
				assertTrue(!answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
			}
		}
	}
}
