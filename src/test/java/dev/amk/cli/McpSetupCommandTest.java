package dev.amk.cli;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeMcpServer;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk mcp setup} on sample configuration files of each client: entries written, the rest kept, backups, idempotence, refusals. */
class McpSetupCommandTest {
	@TempDir
	Path home;
	@TempDir
	Path configs;
	BrokerFixture broker;
	FakeMcpServer server;
	String key;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
		server = FakeMcpServer.start().staticKey("static-key-" + "0123456789");
		assertEquals(0, broker.cliWithStdin("static-key-0123456789\n", "mcp", "add", "docs", "--url", server.url(), "--header", "Authorization").exit());
		broker.awaitRegistry(s -> s.connection("docs") != null);
		key = broker.createAgent("coder", "docs:tools=read_*");
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, server);
	}

	private BrokerFixture.CliResult setup(String client, Path file, String... extra) {
		List<String> args = new java.util.ArrayList<>(List.of("mcp", "setup", client, "coder", "--file", file.toString(), "--key-stdin"));
		args.addAll(List.of(extra));
		return broker.cliWithStdin(key + "\n", args.toArray(String[]::new));
	}

	private long backups(Path file) throws Exception {
		try (Stream<Path> s = Files.list(file.getParent())) {
			return s.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".amk-backup-")).count();
		}
	}

	@Test
	@DisplayName("Claude Code: an HTTP entry with the key header; other servers and keys kept; a backup; the second run changes nothing")
	@SuppressWarnings("unchecked")
	void claudeCode() throws Exception {
		Path file = configs.resolve(".claude.json");
		String original = "{\n  \"numStartups\": 7,\n  \"mcpServers\": {\"other\": {\"command\": \"other-server\"}},\n  \"projects\": {\"/x\": {}}\n}\n";
		Files.writeString(file, original);
		BrokerFixture.CliResult r = setup("claude-code", file);
		assertEquals(0, r.exit(), r.err());
		assertFalse(r.out().contains(key), "the diff never shows the whole key");
		Map<String, Object> written = Json.readObject(Files.readString(file));
		assertEquals(7, ((Number) written.get("numStartups")).intValue());
		Map<String, Object> servers = (Map<String, Object>) written.get("mcpServers");
		assertEquals(Map.of("command", "other-server"), servers.get("other"));
		Map<String, Object> docs = (Map<String, Object>) servers.get("docs");
		assertEquals("http", docs.get("type"));
		assertTrue(((String) docs.get("url")).matches("http://127\\.0\\.0\\.1:\\d+/docs"), docs.toString());
		assertEquals(Map.of("Authorization", "Bearer " + key), docs.get("headers"));
		assertEquals(1, backups(file));
		String after = Files.readString(file);
		BrokerFixture.CliResult again = setup("claude-code", file);
		assertEquals(0, again.exit(), again.err());
		assertTrue(again.out().contains("nothing changed"), again.out());
		assertEquals(after, Files.readString(file));
		assertEquals(1, backups(file));
	}

	@Test
	@DisplayName("a config that is a symbolic link (a dotfiles repository) stays a link: the file it names gets the entry and keeps its permissions")
	@SuppressWarnings("unchecked")
	void symbolicLinkStaysALink() throws Exception {
		org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
		Path repository = Files.createDirectories(configs.resolve("dotfiles"));
		Path real = repository.resolve("mcp.json");
		Files.writeString(real, "{\"mcpServers\": {}}\n");
		Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		Path link = Files.createSymbolicLink(configs.resolve("linked-mcp.json"), real);
		assertEquals(0, setup("cursor", link).exit());
		assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
		Map<String, Object> servers = (Map<String, Object>) Json.readObject(Files.readString(real)).get("mcpServers");
		assertTrue(servers.containsKey("docs"), servers.toString());
		assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(real));
	}

	@Test
	@DisplayName("Cursor and Claude Desktop: their own entry shapes; Claude Desktop's key in env, never in args")
	@SuppressWarnings("unchecked")
	void cursorAndDesktop() throws Exception {
		Path cursor = configs.resolve("mcp.json");
		assertEquals(0, setup("cursor", cursor).exit());
		Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) Json.readObject(Files.readString(cursor)).get("mcpServers")).get("docs");
		assertEquals(Map.of("Authorization", "Bearer " + key), c.get("headers"));
		assertEquals(0, backups(cursor), "a new file needs no backup");

		Path desktop = configs.resolve("claude_desktop_config.json");
		Files.writeString(desktop, "{\"globalShortcut\": \"Ctrl+Space\"}");
		assertEquals(0, setup("claude-desktop", desktop).exit());
		Map<String, Object> all = Json.readObject(Files.readString(desktop));
		assertEquals("Ctrl+Space", all.get("globalShortcut"));
		Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) all.get("mcpServers")).get("docs");
		assertFalse(d.get("args").toString().contains(key), "the key is not in argv");
		assertEquals(Map.of("AMK_AUTHORIZATION", "Bearer " + key), d.get("env"));
	}

	@Test
	@DisplayName("Codex: a [mcp_servers.NAME] table replaced or appended as text; comments and other tables kept byte for byte")
	void codex() throws Exception {
		Path file = configs.resolve("config.toml");
		String head = "# my settings\nmodel = \"o4\"\n\n[mcp_servers.docs]\nurl = \"https://old.example.com/mcp\"\n\n[profiles.fast]\nmodel = \"mini\"\n";
		Files.writeString(file, head);
		assertEquals(0, setup("codex", file).exit());
		String text = Files.readString(file);
		assertTrue(text.startsWith("# my settings\nmodel = \"o4\"\n\n[mcp_servers.docs]\n"), text);
		assertTrue(text.endsWith("\n[profiles.fast]\nmodel = \"mini\"\n"), text);
		Map<?, ?> parsed = new TomlMapper().readValue(text, Map.class);
		Map<?, ?> docs = (Map<?, ?>) ((Map<?, ?>) parsed.get("mcp_servers")).get("docs");
		assertTrue(docs.get("url").toString().endsWith("/docs"));
		assertEquals(Map.of("Authorization", "Bearer " + key), docs.get("http_headers"));
		assertEquals(0, setup("codex", file).exit());
		assertEquals(text, Files.readString(file), "idempotent");
	}

	@Test
	@DisplayName("files it cannot parse, or would lose comments of, are left alone; a wrong key is refused; --rotate writes a new key")
	void refusals() throws Exception {
		Path broken = configs.resolve("broken.json");
		Files.writeString(broken, "{\"mcpServers\": ");
		assertNotEquals(0, setup("cursor", broken).exit());
		assertEquals("{\"mcpServers\": ", Files.readString(broken));
		Path commented = configs.resolve("commented.json");
		Files.writeString(commented, "{\n  // mine\n  \"mcpServers\": {}\n}\n");
		BrokerFixture.CliResult r = setup("cursor", commented);
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("comments"), r.err());
		Path toml = configs.resolve("bad.toml");
		Files.writeString(toml, "[mcp_servers\nurl=");
		assertNotEquals(0, setup("codex", toml).exit());
		assertEquals(0, backups(broken) + backups(commented) + backups(toml));

		Path file = configs.resolve("rotated.json");
		BrokerFixture.CliResult wrong = broker.cliWithStdin(broker.createAgent("other") + "\n", "mcp", "setup", "cursor", "coder", "--file",
				file.toString(), "--key-stdin");
		assertNotEquals(0, wrong.exit());
		assertFalse(Files.exists(file));
		BrokerFixture.CliResult rotated = broker.cli("mcp", "setup", "cursor", "coder", "--file", file.toString(), "--rotate");
		assertEquals(0, rotated.exit(), rotated.err());
		assertFalse(Files.readString(file).contains(key), "the old key was replaced");
		assertTrue(Files.readString(file).contains("Bearer amk_"));
	}
}
