package dev.amk.doctor;

import dev.amk.agents.AgentService;
import dev.amk.agents.UsageSource;
import dev.amk.connections.ConnectionService;
import dev.amk.db.Database;
import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fix's plan and its refusals, on a fixture home, a real registry and the real keychain (no broker running). */
class DoctorFixTest {
	@TempDir
	Path root;

	FixtureHome fx;
	InMemorySecretStore keychain;
	ConnectionService connections;
	AgentService agents;
	DoctorFix doctor;

	@BeforeEach
	void open() throws Exception {
		fx = new FixtureHome(root);
		keychain = new InMemorySecretStore();
		Path data = Files.createDirectories(root.resolve("data"));
		Database db = Database.openRegistry(data);
		connections = new ConnectionService(db, keychain, Clock.systemUTC());
		agents = new AgentService(db, Clock.systemUTC(), UsageSource.NONE);
		doctor = new DoctorFix(connections, keychain, agents, data, Clock.systemUTC(), 9323, null);
	}

	private ScanResult scan() {
		return new Scanner(fx.home, "Linux").scan(List.of());
	}

	@Test
	@DisplayName("Claude Desktop's JSON is rewritten to parse, with the base URL beside the agent key")
	void claudeDesktop() throws Exception {
		ScanResult scan = scan();
		DoctorFix.Plan plan = doctor.plan(scan);
		Path desktop = fx.file(".config/Claude/claude_desktop_config.json");
		DoctorFix.Outcome outcome = doctor.apply(scan, plan, fp -> fp.file().equals(desktop));
		DoctorFix.FileOutcome written = outcome.files().stream().filter(f -> f.file().equals(desktop)).findFirst().orElseThrow();
		assertEquals(DoctorFix.Status.WRITTEN, written.status(), written.check());
		List<Entry> entries = ConfigReader.readAll(Files.readString(desktop), FileFormat.JSON);
		assertTrue(entries.stream().anyMatch(e -> e.path().equals(List.of("mcpServers", "research", "env", "OPENAI_BASE_URL"))
				&& e.value().equals("http://127.0.0.1:9323/openai/v1")), entries.toString());
		assertEquals(List.of("openai"), outcome.connectionsCreated(), "only the connection a written file uses is kept");
		assertEquals(List.of("claude-desktop-research"), outcome.agentsCreated());
	}

	@Test
	@DisplayName("an MCP entry that already sets its base URL is left alone, with the reason")
	void ownBaseUrl() throws Exception {
		Path desktop = fx.file(".config/Claude/claude_desktop_config.json");
		Files.writeString(desktop, Files.readString(desktop).replace("\"OPENAI_API_KEY\"",
				"\"OPENAI_BASE_URL\": \"https://my-azure.example.com/v1\",\n        \"OPENAI_API_KEY\""));
		DoctorFix.Plan plan = doctor.plan(scan());
		assertTrue(plan.files().stream().noneMatch(f -> f.file().equals(desktop)));
		assertTrue(plan.left().stream().anyMatch(l -> l.finding().file().equals(desktop)
				&& l.reason().startsWith("the MCP server 'research' already sets OPENAI_BASE_URL")), plan.left().toString());
	}

	@Test
	@DisplayName("a file changed after the scan is not written; the agent and the new connection made for it are removed again")
	void changedSinceScan() throws Exception {
		ScanResult scan = scan();
		DoctorFix.Plan plan = doctor.plan(scan);
		Path codex = fx.file(".codex/config.toml");
		Files.writeString(codex, "\n" + Files.readString(codex)); // every line moves down by one
		byte[] edited = Files.readAllBytes(codex);
		DoctorFix.Outcome outcome = doctor.apply(scan, plan, fp -> fp.file().equals(codex));
		DoctorFix.FileOutcome failed = outcome.files().stream().filter(f -> f.file().equals(codex)).findFirst().orElseThrow();
		assertEquals(DoctorFix.Status.FAILED, failed.status());
		assertEquals("not changed: ANTHROPIC_API_KEY on line 7 no longer holds the key found", failed.check());
		assertArrayEquals(edited, Files.readAllBytes(codex));
		assertTrue(agents.list().isEmpty());
		assertTrue(connections.list().isEmpty());
		assertTrue(outcome.connectionsCreated().isEmpty());
	}

	@Test
	@DisplayName("a key already in a connection is reused: the plan names that connection and makes none")
	void reuse() {
		connections.add(new ConnectionService.NewConnection("work-openai", dev.amk.providers.Providers.OPENAI, null, null), fx.openai);
		DoctorFix.Plan plan = doctor.plan(scan());
		List<DoctorFix.Change> openai = plan.files().stream().flatMap(f -> f.changes().stream())
				.filter(c -> c.finding().fingerprint().equals(Fingerprints.of(fx.openai))).toList();
		assertEquals(2, openai.size());
		assertTrue(openai.stream().allMatch(c -> c.connection().equals("work-openai") && !c.newConnection()));
		assertEquals("http://127.0.0.1:9323/work-openai/v1", openai.getFirst().baseUrl());
	}
}
