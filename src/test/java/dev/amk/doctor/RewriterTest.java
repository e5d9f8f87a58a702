package dev.amk.doctor;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Rewriting one assignment keeps every other byte and writes the new lines the way the old one was written. */
class RewriterTest {
	static final String KEY = "sk-proj-" + "a".repeat(10) + "B".repeat(30);
	static final String AGENT = "amk_" + "x".repeat(49);
	static final String URL = "http://127.0.0.1:9323/openai/v1";

	private static Rewriter.Edit edit(int line) {
		return new Rewriter.Edit(line, "OPENAI_API_KEY", KEY, AGENT, "OPENAI_BASE_URL", URL);
	}

	private static String rewrite(String text, FileFormat format, int line) throws Exception {
		String out = Rewriter.apply(text, format, List.of(edit(line)));
		ConfigReader.check(out, format);
		return out;
	}

	@Test
	@DisplayName("shell: export and quotes are kept, the base URL goes on its own line above")
	void shell() throws Exception {
		String in = "# mine\nexport OPENAI_API_KEY=\"" + KEY + "\"\nalias ll='ls -l'\n";
		assertEquals("# mine\nexport OPENAI_BASE_URL=\"" + URL + "\"\nexport OPENAI_API_KEY=\"" + AGENT + "\"\nalias ll='ls -l'\n",
				rewrite(in, FileFormat.SHELL, 2));
	}

	@Test
	@DisplayName("fish's set -gx, and a last line without a line break")
	void fish() throws Exception {
		assertEquals("set -gx OPENAI_BASE_URL " + URL + "\nset -gx OPENAI_API_KEY " + AGENT,
				rewrite("set -gx OPENAI_API_KEY " + KEY, FileFormat.SHELL, 1));
	}

	@Test
	@DisplayName(".env with Windows line endings keeps them")
	void dotenvCrlf() throws Exception {
		assertEquals("A=1\r\nOPENAI_BASE_URL=" + URL + "\r\nOPENAI_API_KEY=" + AGENT + "\r\nB=2\r\n",
				rewrite("A=1\r\nOPENAI_API_KEY=" + KEY + "\r\nB=2\r\n", FileFormat.DOTENV, 2));
	}

	@Test
	@DisplayName("JSON: a member alone on its line gets a sibling above it, with a comma; the trailing comma situation is kept")
	void jsonAlone() throws Exception {
		String in = "{\n  \"env\": {\n    \"OPENAI_API_KEY\": \"" + KEY + "\"\n  }\n}\n";
		assertEquals("{\n  \"env\": {\n    \"OPENAI_BASE_URL\": \"" + URL + "\",\n    \"OPENAI_API_KEY\": \"" + AGENT + "\"\n  }\n}\n",
				rewrite(in, FileFormat.JSON, 3));
		String withComma = "{\"env\": {\n  \"OPENAI_API_KEY\": \"" + KEY + "\",\n  \"X\": \"y\"\n}}";
		assertEquals("{\"env\": {\n  \"OPENAI_BASE_URL\": \"" + URL + "\",\n  \"OPENAI_API_KEY\": \"" + AGENT + "\",\n  \"X\": \"y\"\n}}",
				rewrite(withComma, FileFormat.JSON, 2));
	}

	@Test
	@DisplayName("JSON and TOML inline objects: the base URL goes in just before the key, on the same line")
	void inline() throws Exception {
		assertEquals("{\"env\": {\"OPENAI_BASE_URL\": \"" + URL + "\", \"OPENAI_API_KEY\": \"" + AGENT + "\", \"A\": \"b\"}}",
				rewrite("{\"env\": {\"OPENAI_API_KEY\": \"" + KEY + "\", \"A\": \"b\"}}", FileFormat.JSON, 1));
		assertEquals("[mcp_servers.x]\nenv = { \"OPENAI_BASE_URL\" = \"" + URL + "\", \"OPENAI_API_KEY\" = \"" + AGENT + "\" }\n",
				rewrite("[mcp_servers.x]\nenv = { \"OPENAI_API_KEY\" = \"" + KEY + "\" }\n", FileFormat.TOML, 2));
	}

	@Test
	@DisplayName("TOML: a bare key in a table")
	void tomlTable() throws Exception {
		assertEquals("[mcp_servers.x.env]\nOPENAI_BASE_URL = \"" + URL + "\"\nOPENAI_API_KEY = \"" + AGENT + "\"\n",
				rewrite("[mcp_servers.x.env]\nOPENAI_API_KEY = \"" + KEY + "\"\n", FileFormat.TOML, 2));
	}

	@Test
	@DisplayName("a line that no longer holds the key is refused, without quoting it")
	void moved() {
		Rewriter.Unsupported e = assertThrows(Rewriter.Unsupported.class,
				() -> Rewriter.apply("OTHER=1\nOPENAI_API_KEY=" + KEY + "\n", FileFormat.DOTENV, List.of(edit(1))));
		assertEquals("OPENAI_API_KEY on line 1 no longer holds the key found", e.getMessage());
	}
}
