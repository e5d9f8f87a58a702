package dev.amk.cli;

import dev.amk.common.InvalidInput;
import dev.amk.common.Json;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The services refuse input by field; the command line names the field by its flag, in the same words as before. */
class CliWordingTest {
	@TempDir
	Path home;

	BrokerFixture broker;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	private void refused(String expected, BrokerFixture.CliResult r) {
		assertEquals(Cli.EXIT_FAILURE, r.exit(), r.err());
		assertEquals("amk: " + expected, r.err().strip());
	}

	@Test
	@DisplayName("a custom connection without a base URL is told about --base-url, also in the JSON error")
	void baseUrl() {
		refused("A custom connection needs --base-url, the root of the API, for example https://api.example.com/v1.",
				broker.cliWithStdin("sk-1\n", "connection", "add", "api", "--provider", "custom", "--header", "X-Key"));
		BrokerFixture.CliResult json = broker.cliWithStdin("sk-1\n", "connection", "add", "api", "--provider", "custom", "--header", "X-Key", "--json");
		assertEquals(Cli.EXIT_FAILURE, json.exit());
		Map<?, ?> error = (Map<?, ?>) Json.readObject(json.err().strip()).get("error");
		assertEquals("invalid_argument", error.get("type"));
		assertTrue(((String) error.get("message")).contains("--base-url"), json.err());
	}

	@Test
	@DisplayName("how a custom API takes its key is explained with --header, --query-param and --basic-user")
	void injection() {
		refused("Say how the custom API takes its key: --header NAME [--format 'Bearer {secret}'], --query-param NAME, or --basic-user USER.",
				broker.cliWithStdin("sk-1\n", "connection", "add", "api", "--provider", "custom", "--base-url", "https://api.example.com"));
	}

	@Test
	@DisplayName("the secret's rules speak of stdin")
	void secret() {
		refused("The secret is empty. Pipe it on stdin, for example: printf %s \"$KEY\" | amk connection add …",
				broker.cliWithStdin("\n", "connection", "add", "openai", "--provider", "openai"));
		refused("The secret contains characters that cannot be sent in an HTTP header (control or non-ASCII). Check that stdin holds just the key.",
				broker.cliWithStdin("sk-\u007f\n", "connection", "add", "openai", "--provider", "openai"));
		refused("The base URL must not contain a user or password; the secret is read from stdin.",
				broker.cliWithStdin("sk-1\n", "connection", "add", "openai", "--provider", "openai", "--base-url", "https://u:p@api.example.com"));
	}

	@Test
	@DisplayName("a connection granted twice is told to give one --grant per connection")
	void grantTwice() {
		broker.addConnection("gh", "custom", "https://api.example.com", "sk-1", "--header", "X-Key");
		refused("Connection 'gh' is granted twice; give one --grant per connection.",
				broker.cli("agent", "create", "bot", "--grant", "gh:read", "--grant", "gh"));
	}

	@Test
	@DisplayName("every field has a flag (or stdin, or a line of it) to be named by")
	void everyFieldHasAFlag() {
		for (InvalidInput.Field f : InvalidInput.Field.values()) {
			String name = CliWording.INSTANCE.name(f);
			assertTrue(name.startsWith("--") || name.equals("stdin") || name.matches("the (first|second|third) line of stdin") || name.equals("NAME"),
					f + " -> " + name);
		}
	}
}
