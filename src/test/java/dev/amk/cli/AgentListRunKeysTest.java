package dev.amk.cli;

import dev.amk.agents.AgentService;
import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.Teardown;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amk agent list} with the child keys {@code amk run} makes: each under its agent, marked as a run key, and revoked
 * one by one or with their agent. The run keys are made as {@code amk run} makes them ({@link AgentService#createChild}) in
 * the real broker; everything else goes through the CLI and the proxy.
 */
class AgentListRunKeysTest {
	private static final Duration LEASE = Duration.ofSeconds(30);

	@TempDir
	Path home;
	MockWebServer upstream;
	BrokerFixture broker;
	String coderKey;

	@BeforeEach
	void start() throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("openai", "openai", upstream.url("/").toString(), "sk-list-test-secret-0123456789");
		coderKey = broker.createAgent("coder", "openai");
		// Sorted by name alone, "coder-x" would come between coder and its run keys ('-' sorts before '.').
		broker.createAgent("coder-x", "openai");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	private AgentService.Issued run() {
		AgentService.Issued child = broker.broker.agents().createChild("coder", null, LEASE, null);
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(child.agent().name())));
		return child;
	}

	private int status(String key) {
		return broker.get("/openai/v1/models", "Authorization", "Bearer " + key).statusCode();
	}

	private List<String> lines() {
		BrokerFixture.CliResult r = broker.cli("agent", "list");
		assertEquals(0, r.exit(), r.err());
		return Arrays.asList(r.out().split("\n"));
	}

	private static String lineOf(List<String> lines, String name) {
		return lines.stream().filter(l -> l.contains(name)).findFirst().orElseThrow(() -> new AssertionError(name + " not in " + lines));
	}

	@Test
	@DisplayName("run keys are listed right under their agent, indented with ↳, as 'active (run key)' with their lease's end; --json names the parent")
	void listedUnderTheirAgent() {
		String first = run().agent().name();
		String second = run().agent().name();
		List<String> lines = lines();
		int parent = lines.indexOf(lineOf(lines, "coder "));
		List<String> under = lines.subList(parent + 1, parent + 3);
		for (String line : under) {
			assertTrue(line.startsWith("  ↳ coder.run-"), line);
			assertTrue(line.contains("active (run key)"), line);
			assertTrue(line.matches(".*in \\d+ s.*"), "the lease's end: " + line);
		}
		assertTrue(under.stream().anyMatch(l -> l.contains(first)) && under.stream().anyMatch(l -> l.contains(second)), String.join("\n", lines));
		assertTrue(lines.get(parent + 3).startsWith("coder-x"), String.join("\n", lines));

		@SuppressWarnings("unchecked")
		List<Map<String, Object>> json = (List<Map<String, Object>>) Json.read(broker.cli("agent", "list", "--json").out());
		assertEquals(List.of("coder", first.compareTo(second) < 0 ? first : second, first.compareTo(second) < 0 ? second : first, "coder-x"),
				json.stream().map(m -> m.get("name")).toList());
		assertNull(json.getFirst().get("parent"));
		assertEquals("coder", json.get(1).get("parent"));
	}

	@Test
	@DisplayName("a run key is revoked on its own (its agent and the other run keep working); it cannot be enabled or rotated; revoking the agent ends the rest")
	void revokeOneThenTheAgent() {
		AgentService.Issued one = run();
		AgentService.Issued other = run();
		assertEquals(200, status(one.key()));

		BrokerFixture.CliResult revoked = broker.cli("agent", "revoke", one.agent().name());
		assertEquals(0, revoked.exit(), revoked.err());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(one.agent().name()) && a.agent().revokedAt() != null));
		assertEquals(401, status(one.key()));
		assertEquals(200, status(other.key()));
		assertEquals(200, status(coderKey));
		assertTrue(lineOf(lines(), one.agent().name()).contains("revoked (run key)"));

		BrokerFixture.CliResult enable = broker.cli("agent", "enable", one.agent().name());
		assertNotEquals(0, enable.exit());
		assertTrue(enable.err().contains("amk run") && enable.err().contains("cannot be enabled again"), enable.err());
		BrokerFixture.CliResult rotate = broker.cli("agent", "rotate", one.agent().name());
		assertNotEquals(0, rotate.exit());
		assertTrue(rotate.err().contains("cannot be rotated"), rotate.err());
		assertEquals(401, status(one.key()));
		// Nor widened past its agent, or kept past its run: its grants, hosts and expiry are its run's.
		BrokerFixture.CliResult grants = broker.cli("agent", "set-grants", other.agent().name(), "--grant", "openai");
		assertNotEquals(0, grants.exit());
		assertTrue(grants.err().contains("cannot be given other grants"), grants.err());
		BrokerFixture.CliResult expiry = broker.cli("agent", "set-expiry", other.agent().name(), "never");
		assertNotEquals(0, expiry.exit());
		assertTrue(expiry.err().contains("cannot be given another expiry"), expiry.err());

		assertEquals(0, broker.cli("agent", "revoke", "coder").exit());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(other.agent().name()) && a.agent().revokedAt() != null));
		assertEquals(401, status(other.key()));
		List<String> lines = lines();
		assertTrue(lineOf(lines, other.agent().name()).contains("revoked (run key)"), String.join("\n", lines));
	}
}
