package dev.amk.mcp;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.amk.common.AmkException;
import dev.amk.common.AtomicFiles;
import dev.amk.common.ErrorType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code amk mcp setup CLIENT AGENT}: writes an MCP client's configuration so that the agent reaches each of its MCP
 * servers through the broker (an HTTP entry at {@code http://127.0.0.1:PORT/NAME} with the agent key as Bearer token).
 * Only the entries it owns change (one per server name); the rest of the file stays as it was. A backup
 * ({@code FILE.amk-backup-STAMP}) comes first, the write is atomic, and running it twice changes nothing the second time.
 * A file it cannot parse is left alone; so is a JSON file with comments, which a rewrite would lose.
 */
public final class ClientSetup {
	/** The MCP clients it knows, with where their user-level configuration lives. */
	public enum Client {
		CLAUDE_CODE("claude-code", "Claude Code"),
		CLAUDE_DESKTOP("claude-desktop", "Claude Desktop"),
		CODEX("codex", "Codex"),
		CURSOR("cursor", "Cursor");

		private final String id;
		private final String displayName;

		Client(String id, String displayName) {
			this.id = id;
			this.displayName = displayName;
		}

		public String id() {
			return id;
		}

		public String displayName() {
			return displayName;
		}

		public static Client byId(String id) {
			for (Client c : values()) {
				if (c.id.equals(id)) {
					return c;
				}
			}
			throw AmkException.invalid("Unknown MCP client '" + id + "'. Choose one of: claude-code, claude-desktop, codex, cursor.");
		}

		/** The user-level file: {@code ~/.claude.json}, Claude Desktop's config, {@code ~/.codex/config.toml}, {@code ~/.cursor/mcp.json}. */
		public Path defaultFile(Path home, String osName) {
			String os = osName.toLowerCase(Locale.ROOT);
			Path appData = os.contains("mac") ? home.resolve("Library/Application Support") : os.contains("win") ? home.resolve("AppData/Roaming")
					: home.resolve(".config");
			return switch (this) {
				case CLAUDE_CODE -> home.resolve(".claude.json");
				case CLAUDE_DESKTOP -> appData.resolve("Claude/claude_desktop_config.json");
				case CODEX -> home.resolve(".codex/config.toml");
				case CURSOR -> home.resolve(".cursor/mcp.json");
			};
		}
	}

	/** One MCP server the agent may reach: its connection name and its broker URL. */
	public record Server(String name, String url) {
	}

	/** What was done: the file, its backup (null when nothing changed or the file is new), and a line diff. */
	public record Result(Path file, Path backup, boolean changed, String diff) {
	}

	private static final ObjectMapper STRICT_JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
	private static final ObjectMapper LENIENT_JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
			.enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

	private final Clock clock;

	public ClientSetup(Clock clock) {
		this.clock = clock;
	}

	/** Writes (or, with {@code dryRun}, only computes) the client's entries for {@code servers}, authenticated with {@code key}. */
	public Result apply(Client client, Path file, List<Server> servers, String key, boolean dryRun) {
		String before;
		try {
			before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
		} catch (IOException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "Could not read " + file + ": " + e.getMessage());
		}
		String after = client == Client.CODEX ? toml(file, before, servers, key) : json(client, file, before, servers, key);
		boolean changed = !after.equals(before);
		String diff = LineDiff.of(before == null ? "" : before, after);
		if (!changed || dryRun) {
			return new Result(file, null, changed, diff);
		}
		try {
			Path backup = null;
			if (before != null) {
				backup = AtomicFiles.backup(file, STAMP.format(clock.instant()));
			} else {
				Files.createDirectories(file.toAbsolutePath().getParent());
			}
			writeAtomically(file, after);
			return new Result(file, backup, true, diff);
		} catch (IOException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "Could not write " + file + ": " + e.getMessage() + ". Nothing was changed.");
		}
	}

	private static String json(Client client, Path file, String before, List<Server> servers, String key) {
		ObjectNode root;
		if (before == null || before.isBlank()) {
			root = STRICT_JSON.createObjectNode();
		} else {
			JsonNode parsed;
			try {
				parsed = STRICT_JSON.readTree(before);
			} catch (IOException strict) {
				try {
					LENIENT_JSON.readTree(before);
				} catch (IOException lenient) {
					throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " is not valid JSON, so it was not touched. Fix it (or move it"
							+ " away) and run this again.");
				}
				throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " has comments or trailing commas, which rewriting it would lose,"
						+ " so it was not touched. Add the entries by hand (amk mcp setup … --print shows them), or remove the comments.");
			}
			if (!(parsed instanceof ObjectNode object)) {
				throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " does not hold a JSON object, so it was not touched.");
			}
			root = object;
		}
		JsonNode existing = root.get("mcpServers");
		if (existing != null && !(existing instanceof ObjectNode)) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, file + ": \"mcpServers\" is not an object, so the file was not touched.");
		}
		ObjectNode mcpServers = existing == null ? root.putObject("mcpServers") : (ObjectNode) existing;
		for (Server s : servers) {
			ObjectNode entry = STRICT_JSON.createObjectNode();
			switch (client) {
				case CLAUDE_CODE -> {
					entry.put("type", "http");
					entry.put("url", s.url());
					entry.putObject("headers").put("Authorization", "Bearer " + key);
				}
				case CURSOR -> {
					entry.put("url", s.url());
					entry.putObject("headers").put("Authorization", "Bearer " + key);
				}
				case CLAUDE_DESKTOP -> {
					// Claude Desktop's file takes only stdio servers: mcp-remote bridges to HTTP. The key travels in the environment,
					// not in argv, where every process could read it.
					entry.put("command", "npx");
					var args = entry.putArray("args");
					args.add("-y").add("mcp-remote").add(s.url()).add("--header").add("Authorization:${AMK_AUTHORIZATION}");
					entry.putObject("env").put("AMK_AUTHORIZATION", "Bearer " + key);
				}
				case CODEX -> throw new IllegalStateException("Codex uses TOML");
			}
			mcpServers.set(s.name(), entry);
		}
		try {
			String text = STRICT_JSON.writeValueAsString(root) + "\n";
			if (before != null && text.equals(before + (before.endsWith("\n") ? "" : "\n")) && !before.endsWith("\n")) {
				return before;
			}
			// Unchanged content keeps the person's formatting: only a real change rewrites the file.
			if (before != null && STRICT_JSON.readTree(before).equals(STRICT_JSON.readTree(text))) {
				return before;
			}
			return text;
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	private static final Pattern TABLE_HEADER = Pattern.compile("(?m)^[ \\t]*\\[\\[?[ \\t]*([^\\]\\n]+?)[ \\t]*]]?[ \\t]*(#.*)?$");

	/**
	 * Codex's {@code config.toml}: each {@code [mcp_servers.NAME]} table the broker owns is replaced (or appended) as text, so
	 * the rest of the file stays byte for byte; the result is parsed again before it is written.
	 */
	static String toml(Path file, String before, List<Server> servers, String key) {
		TomlMapper mapper = new TomlMapper();
		String text = before == null ? "" : before;
		try {
			mapper.readTree(text);
		} catch (IOException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " is not valid TOML, so it was not touched. Fix it and run this again.");
		}
		for (Server s : servers) {
			String block = "[mcp_servers." + s.name() + "]\nurl = \"" + s.url() + "\"\nhttp_headers = { Authorization = \"Bearer " + key + "\" }\n";
			String header = "mcp_servers." + s.name();
			List<int[]> tables = new ArrayList<>();
			Matcher m = TABLE_HEADER.matcher(text);
			while (m.find()) {
				tables.add(new int[] {m.start(), m.end(), header.equals(m.group(1).replace("\"", "").replace(" ", "")) ? 1 : 0});
			}
			int start = -1;
			int end = text.length();
			for (int i = 0; i < tables.size(); i++) {
				if (tables.get(i)[2] == 1) {
					start = tables.get(i)[0];
					end = i + 1 < tables.size() ? tables.get(i + 1)[0] : text.length();
					break;
				}
			}
			if (start >= 0) {
				// Keep the blank lines that separated the next table.
				String old = text.substring(start, end);
				String trailing = old.substring(old.stripTrailing().length());
				text = text.substring(0, start) + block + (trailing.length() > 1 ? trailing.substring(1) : "") + text.substring(end);
			} else {
				text = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
			}
		}
		try {
			JsonNode parsed = mapper.readTree(text);
			for (Server s : servers) {
				JsonNode entry = parsed.path("mcp_servers").path(s.name());
				if (!s.url().equals(entry.path("url").asText(null))) {
					throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " defines mcp_servers." + s.name() + " in a form this command cannot"
							+ " replace safely (dotted keys or an inline table), so it was not touched. Remove that entry and run this again.");
				}
			}
		} catch (IOException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, file + " would not be valid TOML after the change, so it was not touched. Remove the"
					+ " mcp_servers entries named like the broker's servers and run this again.");
		}
		return text;
	}

	/**
	 * Keeps the config file's permissions (some hold other secrets and are the owner's only), and writes through a symbolic
	 * link to the file it names: dotfiles managers link configs from a repository, and the link must stay a link.
	 */
	private static void writeAtomically(Path file, String text) throws IOException {
		AtomicFiles.replace(Files.exists(file) ? file.toRealPath() : file, text.getBytes(StandardCharsets.UTF_8));
	}
}
