package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.audit.AuditEvent;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoy keys end to end: the caller cannot tell a decoy from an unknown key; the audit log (and so the person) can. */
class DecoyTest {
	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	BrokerFixture broker;
	String decoyKey;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-proj-decoytest-secret-0123456789");
		broker.createAgent("coder", "openai");
		BrokerFixture.CliResult created = broker.cli("agent", "create", "trap", "--decoy", "--json");
		assertEquals(0, created.exit(), created.err());
		assertEquals(Boolean.TRUE, created.json().get("decoy"));
		decoyKey = (String) created.json().get("key");
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("trap")));
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	@Test
	@DisplayName("a decoy's key is answered exactly like a valid-looking key nobody issued; audited as decoy_used under the decoy's name")
	void answeredLikeAnUnknownKey() {
		HttpResponse<String> decoy = broker.get("/openai/v1/models", "Authorization", "Bearer " + decoyKey);
		HttpResponse<String> unknown = broker.get("/openai/v1/models", "Authorization", "Bearer " + AgentKey.generate());
		assertEquals(401, decoy.statusCode());
		assertEquals(unknown.statusCode(), decoy.statusCode());
		assertEquals(unknown.body(), decoy.body());
		assertEquals(unknown.headers().map().keySet(), decoy.headers().map().keySet());
		assertEquals(0, upstream.getRequestCount());

		List<AuditEvent> rows = broker.broker.auditStore().recent(null, 2);
		AuditEvent decoyRow = rows.get(1); // newest first: the unknown key's row, then the decoy's
		assertEquals("trap", decoyRow.agent());
		assertEquals("denied", decoyRow.decision().toString());
		assertEquals("decoy_used", decoyRow.reason());
		assertEquals("unknown_key", rows.get(0).reason());
	}

	@Test
	@DisplayName("in proxy mode too: 407 like an unknown key, audited as decoy_used")
	void proxyMode() throws IOException {
		String basic = Base64.getEncoder().encodeToString(("trap:" + decoyKey).getBytes(StandardCharsets.UTF_8));
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(("CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nProxy-Authorization: Basic "
					+ basic + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			InputStream in = socket.getInputStream();
			String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
			assertEquals("HTTP/1.1 407", status);
		}
		AuditEvent row = broker.broker.auditStore().recent(null, 1).getFirst();
		assertEquals("decoy_used", row.reason());
		assertEquals("trap", row.agent());
	}

	@Test
	@DisplayName("amk agent list marks decoys; a decoy cannot be given grants at creation")
	@SuppressWarnings("unchecked")
	void listedAsDecoy() {
		BrokerFixture.CliResult list = broker.cli("agent", "list", "--json");
		assertEquals(0, list.exit(), list.err());
		List<Map<String, Object>> agents = ((List<?>) dev.amk.common.Json.read(list.out())).stream().map(o -> (Map<String, Object>) o).toList();
		Map<String, Object> trap = agents.stream().filter(a -> a.get("name").equals("trap")).findFirst().orElseThrow();
		assertEquals(Boolean.TRUE, trap.get("decoy"));
		assertEquals(Boolean.FALSE, agents.stream().filter(a -> a.get("name").equals("coder")).findFirst().orElseThrow().get("decoy"));
		BrokerFixture.CliResult table = broker.cli("agent", "list");
		assertTrue(table.out().contains("(decoy)"), table.out());
		BrokerFixture.CliResult granted = broker.cli("agent", "create", "trap2", "--decoy", "--grant", "openai");
		assertEquals(2, granted.exit(), granted.err());
	}
}
