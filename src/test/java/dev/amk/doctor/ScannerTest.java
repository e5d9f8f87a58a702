package dev.amk.doctor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scanner on a fixture home with each client's real configuration shapes. */
class ScannerTest {
	@TempDir
	Path root;

	FixtureHome fx;
	ScanResult result;

	@BeforeEach
	void scan() {
		fx = new FixtureHome(root);
		result = new Scanner(fx.home, "Linux").scan(List.of(fx.project));
	}

	private List<Finding> at(String relative) {
		Path file = fx.home.resolve(relative);
		return result.findings().stream().filter(f -> f.file().equals(file)).toList();
	}

	private Finding only(String relative, String fingerprintOf) {
		List<Finding> found = at(relative).stream().filter(f -> f.fingerprint().equals(Fingerprints.of(fingerprintOf))).toList();
		assertEquals(1, found.size(), relative + ": " + at(relative));
		return found.getFirst();
	}

	@Test
	@DisplayName("an MCP server's key in Claude Desktop's config is found with its line, provider, server and variable")
	void claudeDesktop() {
		Finding f = only(".config/Claude/claude_desktop_config.json", fx.openai);
		assertEquals(7, f.line());
		assertEquals("openai", f.provider());
		assertEquals("api_key", f.kind());
		assertEquals("OPENAI_API_KEY", f.variable());
		assertEquals("research", f.consumer().mcpServer());
		assertEquals("claude-desktop-research", f.consumer().id());
		assertEquals("sk-proj-…" + fx.openai.substring(fx.openai.length() - 4), f.preview());
		assertEquals("notion", only(".config/Claude/claude_desktop_config.json", fx.notion).provider());
	}

	@Test
	@DisplayName("the same key in three files is one secret with one fingerprint")
	void duplicates() {
		List<Finding> copies = result.findings().stream().filter(f -> f.fingerprint().equals(Fingerprints.of(fx.openai))).toList();
		assertEquals(java.util.Set.of(fx.file(".config/Claude/claude_desktop_config.json"), fx.file("code/shop/.env"), fx.file(".zshrc")),
				copies.stream().map(Finding::file).collect(java.util.stream.Collectors.toSet()));
		assertEquals(3, copies.size());
		assertEquals(1, copies.stream().map(Finding::preview).distinct().count());
	}

	@Test
	@DisplayName("JSON with comments and trailing commas (VS Code): a key in a comment is reported as in a comment")
	void jsonWithComments() {
		Finding commented = only(".config/Code/User/settings.json", fx.oldAnthropic);
		assertTrue(commented.inComment());
		assertEquals(2, commented.line());
		Finding gemini = only(".config/Code/User/settings.json", fx.gemini);
		assertFalse(gemini.inComment());
		assertEquals("gemini.apiKey", gemini.variable());
		assertTrue(result.problems().isEmpty(), result.problems().toString());
	}

	@Test
	@DisplayName("Codex's TOML: an inline env table in an MCP server entry, and a commented-out key")
	void codexToml() {
		Finding f = only(".codex/config.toml", fx.anthropic);
		assertEquals(7, f.line());
		assertEquals("ANTHROPIC_API_KEY", f.variable());
		assertEquals("claude", f.consumer().mcpServer());
		Finding old = only(".codex/config.toml", fx.oldAnthropic);
		assertTrue(old.inComment());
		assertEquals(2, old.line());
	}

	@Test
	@DisplayName("a shell startup file through its symlink: quoted, exported, commented, multi-line and generic assignments")
	void shell() {
		Finding openai = only(".zshrc", fx.openai);
		assertEquals(3, openai.line());
		assertEquals("OPENAI_API_KEY", openai.variable());
		assertTrue(only(".zshrc", fx.oldAnthropic).inComment());
		Finding generic = only(".zshrc", fx.generic);
		assertEquals("INTERNAL_SERVICE_TOKEN", generic.variable());
		assertEquals("access_token", generic.kind());
		assertEquals(null, generic.provider());
		assertEquals("…" + fx.generic.substring(28), generic.preview());
		assertEquals(3, at(".zshrc").size(), "GREETING, EMPTY_TOKEN and $(cat …) are not secrets: " + at(".zshrc"));
		assertTrue(at("dotfiles/zshrc").isEmpty(), "the symlink's target is not read twice");
	}

	@Test
	@DisplayName("AWS credentials, gh's hosts.yml, .npmrc, .netrc and Docker's config.json")
	void credentialFiles() {
		assertEquals("aws_access_key_id", only(".aws/credentials", fx.awsId).kind());
		Finding secret = only(".aws/credentials", fx.awsSecret);
		assertEquals("aws_secret_access_key", secret.kind());
		assertEquals("aws", secret.provider());
		assertEquals(3, secret.line());
		assertEquals(2, at(".config/gh/hosts.yml").size());
		assertEquals(List.of(4, 5), at(".config/gh/hosts.yml").stream().map(Finding::line).toList());
		assertEquals("npm", only(".npmrc", fx.npm).provider());
		Finding netrc = only(".netrc", fx.github);
		assertEquals("github", netrc.provider());
		Finding docker = only(".docker/config.json", fx.dockerAuth);
		assertEquals("docker", docker.provider());
		assertEquals("password", docker.kind());
	}

	@Test
	@DisplayName(".env files under a given folder are read; node_modules and .git are not entered; a link loop ends")
	void envFiles() {
		assertEquals("stripe", only("code/shop/.env", fx.stripe).provider());
		Finding agentKey = only("code/shop/.env", fx.agentKey);
		assertEquals("agent_key", agentKey.kind());
		assertFalse(agentKey.isRawSecret());
		assertTrue(result.findings().stream().noneMatch(f -> f.file().toString().contains("node_modules") || f.file().toString().contains(".git")));
		assertTrue(at("code/shop/.env").stream().noneMatch(f -> "EXAMPLE_API_KEY".equals(f.variable())), "a placeholder is not a key");
	}

	@Test
	@DisplayName("the summary counts distinct secrets; nothing in the result's text is a secret")
	void summary() {
		Map<String, Object> s = result.summary();
		assertEquals(13, s.get("secrets"), result.findings().toString());
		assertEquals(1, s.get("agent_keys"));
		assertTrue(result.hasRawSecrets());
		String everything = result.findings().toString() + result.summary() + result;
		for (String secret : List.of(fx.openai, fx.anthropic, fx.github, fx.awsSecret, fx.generic, fx.dockerAuth, fx.agentKey, fx.npm)) {
			assertFalse(everything.contains(secret.substring(4, 16)), "a secret's middle appears in the output");
		}
	}

	@Test
	@DisplayName("a home with no credentials finds nothing")
	void clean() throws Exception {
		Path empty = Files.createDirectories(root.resolve("empty"));
		Files.writeString(empty.resolve(".zshrc"), "export PATH=$HOME/bin:$PATH\nexport EDITOR=vim\n");
		ScanResult clean = new Scanner(empty, "Linux").scan(List.of());
		assertTrue(clean.findings().isEmpty());
		assertFalse(clean.hasRawSecrets());
		assertEquals(1, clean.filesScanned().size());
	}

	@Test
	@DisplayName("a symlink loop and a malformed JSON file are reported, and the rest of the scan goes on")
	void problems() throws Exception {
		Files.createSymbolicLink(fx.file(".zprofile"), fx.file(".zprofile-2"));
		Files.createSymbolicLink(fx.file(".zprofile-2"), fx.file(".zprofile"));
		fx.write(".cursor/mcp.json", "{\"mcpServers\": {\"x\": {\"env\": {\"OPENAI_API_KEY\": \"%s\"}}".formatted(fx.openai)); // unclosed
		ScanResult r = new Scanner(fx.home, "Linux").scan(List.of());
		assertTrue(r.problems().stream().anyMatch(p -> p.file().equals(fx.file(".zprofile"))), r.problems().toString());
		ScanResult.Problem malformed = r.problems().stream().filter(p -> p.file().equals(fx.file(".cursor/mcp.json"))).findFirst().orElseThrow();
		assertTrue(malformed.reason().startsWith("not valid JSON"), malformed.reason());
		assertFalse(malformed.reason().contains(fx.openai.substring(8)));
		assertTrue(r.findings().stream().anyMatch(f -> f.file().equals(fx.file(".cursor/mcp.json"))), "a recognisable key is still found in a malformed file");
		assertTrue(r.findings().size() > 10);
	}

	@Test
	@DisplayName("an unreadable file is reported as such")
	void unreadable() throws Exception {
		Path profile = fx.write(".profile", "export OPENAI_API_KEY=" + fx.openai + "\n");
		Files.setPosixFilePermissions(profile, PosixFilePermissions.fromString("---------"));
		Assumptions.assumeFalse(Files.isReadable(profile), "root reads every file");
		ScanResult r = new Scanner(fx.home, "Linux").scan(List.of());
		assertEquals("permission denied", r.problems().stream().filter(p -> p.file().equals(profile)).findFirst().orElseThrow().reason());
	}

	@Test
	@DisplayName("a file rewritten over and over while it is scanned never breaks the scan")
	void changingFile() throws Exception {
		Path mcp = fx.file(".cursor/mcp.json");
		Files.createDirectories(mcp.getParent());
		String full = "{\"mcpServers\": {\"x\": {\"env\": {\"OPENAI_API_KEY\": \"%s\"}}}}".formatted(fx.openai);
		AtomicBoolean stop = new AtomicBoolean();
		Thread writer = Thread.ofPlatform().start(() -> {
			try {
				while (!stop.get()) {
					Files.writeString(mcp, full); // truncates, then writes: readers see empty, partial and whole files
					Files.deleteIfExists(mcp);
				}
			} catch (Exception e) {
				throw new RuntimeException(e);
			}
		});
		try {
			for (int i = 0; i < 40; i++) {
				ScanResult r = new Scanner(fx.home, "Linux").scan(List.of());
				assertNotNull(r);
				assertTrue(r.findings().stream().filter(f -> f.file().equals(mcp)).count() <= 1);
			}
		} finally {
			stop.set(true);
			writer.join();
		}
	}
}
