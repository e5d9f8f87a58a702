package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Agents in containers: the Host names accepted with the setting on (and only then), and the second listener on the bridge
 * address. No container engine runs on CI, and a dummy interface needs privileges a test should not take, so 127.0.0.2 (on
 * Linux the whole 127/8 is loopback) stands for docker0's address through the injectable bridge finder.
 */
class ContainerAccessTest {
	private static final int PORT = 9323;
	private static final InetAddress STAND_IN_BRIDGE = address("127.0.0.2");

	@TempDir
	Path home;
	MockWebServer upstream;
	BrokerFixture broker;

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		if (upstream != null) {
			upstream.close();
		}
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = {"host.docker.internal:9323", "HOST.DOCKER.INTERNAL:9323", "127.0.0.2:9323", "127.0.0.1:9323", "localhost:9323"})
	@DisplayName("with containers allowed: host.docker.internal and the bridge address, with the port, pass as well as loopback")
	void containerNamesPass(String host) {
		assertTrue(HostCheck.allows(host, PORT, new ContainerAccess(true, STAND_IN_BRIDGE)));
	}

	@ParameterizedTest
	@ValueSource(strings = {"host.docker.internal", "host.docker.internal:9324", "host.docker.internal.evil.example:9323",
			"gateway.docker.internal:9323", "127.0.0.3:9323", "0.0.0.0:9323", "172.17.0.1:9323", " host.docker.internal:9323"})
	@DisplayName("with containers allowed, other names, ports and addresses are still refused")
	void otherNamesRefused(String host) {
		assertFalse(HostCheck.allows(host, PORT, new ContainerAccess(true, STAND_IN_BRIDGE)));
	}

	@ParameterizedTest
	@ValueSource(strings = {"host.docker.internal:9323", "127.0.0.2:9323"})
	@DisplayName("off (the default): the container names are refused like any other")
	void offByDefault(String host) {
		assertFalse(HostCheck.allows(host, PORT, ContainerAccess.OFF));
		assertFalse(HostCheck.allows(host, PORT, ProxySettings.defaults(PORT).containers()));
	}

	@Test
	@DisplayName("the wildcard (0.0.0.0, ::), IPv6 and a bridge without the setting are refused as configuration")
	void neverTheWildcard() {
		assertThrows(IllegalArgumentException.class, () -> new ContainerAccess(true, address("0.0.0.0")));
		assertThrows(IllegalArgumentException.class, () -> new ContainerAccess(true, address("::")));
		assertThrows(IllegalArgumentException.class, () -> new ContainerAccess(true, address("::1")));
		assertThrows(IllegalArgumentException.class, () -> new ContainerAccess(false, STAND_IN_BRIDGE));
		assertEquals(new ContainerAccess(true, null), ContainerAccess.allowed(Optional::empty));
		assertTrue(new ContainerAccess(true, null).describe(PORT).contains("No container bridge (docker0) was found"));
	}

	@Test
	@DisplayName("allowed with a bridge: a second listener on that address and port only, serving host.docker.internal; nothing on 0.0.0.0")
	void listensOnTheBridgeToo() throws Exception {
		upstream = new MockWebServer();
		upstream.start();
		broker = BrokerFixture.start(home, settings -> settings.withContainers(ContainerAccess.allowed(() -> Optional.of(STAND_IN_BRIDGE))));
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-container-secret");
		String key = broker.createAgent("boxed", "openai");
		int port = broker.port();

		assertEquals(List.of("127.0.0.1:" + port, "127.0.0.2:" + port), broker.broker.proxy().listenAddresses());
		upstream.enqueue(new MockResponse.Builder().body("{\"data\":[]}").build());
		String fromContainer = exchange("127.0.0.2", port, "GET /openai/v1/models HTTP/1.1\r\nHost: host.docker.internal:" + port
				+ "\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
		assertTrue(fromContainer.startsWith("HTTP/1.1 200"), fromContainer);
		assertEquals("Bearer sk-container-secret", upstream.takeRequest().getHeaders().get("Authorization"));

		String rebinding = exchange("127.0.0.2", port, "GET /openai/v1/models HTTP/1.1\r\nHost: evil.example:" + port
				+ "\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
		assertTrue(rebinding.startsWith("HTTP/1.1 421"), rebinding);
		assertEquals(1, upstream.getRequestCount());
		assertNoWildcardListener(port);
	}

	@Test
	@DisplayName("off (the default): one listener on 127.0.0.1, and host.docker.internal is 421 bad_host")
	void offChangesNothing() throws Exception {
		broker = BrokerFixture.start(home);
		int port = broker.port();
		assertEquals(List.of("127.0.0.1:" + port), broker.broker.proxy().listenAddresses());
		String answer = exchange("127.0.0.1", port, "GET /openai/v1/models HTTP/1.1\r\nHost: host.docker.internal:" + port
				+ "\r\nConnection: close\r\n\r\n");
		assertTrue(answer.startsWith("HTTP/1.1 421") && answer.contains("bad_host"), answer);
		assertThrows(IOException.class, () -> exchange("127.0.0.2", port, "GET / HTTP/1.1\r\nHost: 127.0.0.2:" + port + "\r\n\r\n"));
		assertNoWildcardListener(port);
	}

	/** Linux: no socket listening on the broker's port binds 0.0.0.0 or :: (the kernel's own table, not the broker's word). */
	private static void assertNoWildcardListener(int port) throws IOException {
		Path tcp = Path.of("/proc/net/tcp");
		assumeTrue(Files.isReadable(tcp), "no /proc/net/tcp here");
		String hexPort = String.format(Locale.ROOT, ":%04X", port);
		List<String> listeners = new ArrayList<>();
		for (Path table : List.of(tcp, Path.of("/proc/net/tcp6"))) {
			if (!Files.isReadable(table)) {
				continue;
			}
			for (String line : Files.readAllLines(table).subList(1, Files.readAllLines(table).size())) {
				String[] f = line.strip().split("\\s+");
				if (f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
					listeners.add(f[1]);
				}
			}
		}
		assertFalse(listeners.isEmpty(), "the broker's listener shows in the kernel's table");
		for (String local : listeners) {
			String addr = local.substring(0, local.indexOf(':'));
			assertFalse(addr.chars().allMatch(c -> c == '0'), "a listener on the wildcard address: " + local);
		}
	}

	private static String exchange(String host, int port, String request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 2000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buf = new byte[8192];
			try {
				int n;
				while ((n = in.read(buf)) != -1) {
					out.write(buf, 0, n);
				}
			} catch (SocketTimeoutException e) {
				// whatever arrived is the answer
			}
			return out.toString(StandardCharsets.ISO_8859_1);
		}
	}
}
