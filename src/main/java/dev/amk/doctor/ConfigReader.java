package dev.amk.doctor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the assignments out of a configuration file by its format's own rules: JSON with comments through
 * Jackson's streaming parser, YAML through SnakeYAML Engine (both give line numbers), TOML by its table and
 * key lines (checked with Jackson's TOML parser), INI, shell, {@code .env} and netrc by careful line parsing.
 * Commented-out assignments are read too, flagged as such: a key in a comment is still a key on disk.
 */
final class ConfigReader {
	/**
	 * The file does not follow its format's rules; its assignments could not be read, only its text searched.
	 * The message names the format and the line only: parsers quote the offending text, which may be a secret.
	 */
	static final class Malformed extends Exception {
		Malformed(String format, int line) {
			super("not valid " + format + (line > 0 ? " (line " + line + ")" : ""));
		}
	}

	static final JsonFactory JSONC = JsonFactory.builder()
			.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
			.enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
			.build();
	/** Loaded on first use: Jackson's TOML parser brings jackson-databind, which only a fix needs (to check what it wrote). */
	private static final class Toml {
		static final TomlMapper MAPPER = new TomlMapper();
	}

	private ConfigReader() {
	}

	/**
	 * The assignments that may hold a credential (in JSON, strings that are neither secret-named nor carry a known
	 * prefix are skipped: Claude Code's history file holds megabytes of prose).
	 */
	static List<Entry> read(String text, FileFormat format) throws Malformed {
		return format == FileFormat.JSON ? json(text, false) : readAll(text, format);
	}

	/** Every assignment, whatever its value: what a fix checks its own output and a file's other settings with. */
	static List<Entry> readAll(String text, FileFormat format) throws Malformed {
		return switch (format) {
			case JSON -> json(text, true);
			case YAML -> yaml(text);
			case TOML -> toml(text);
			case INI -> ini(text);
			case SHELL, DOTENV -> new ShellLines(text).entries();
			case NETRC -> netrc(text);
		};
	}

	/** Throws when {@code text} does not parse by its format's rules; used on every file before it is rewritten. */
	static void check(String text, FileFormat format) throws Malformed {
		switch (format) {
			case JSON, YAML -> readAll(text, format);
			case TOML -> {
				try {
					Toml.MAPPER.readTree(text);
				} catch (com.fasterxml.jackson.core.JsonProcessingException e) {
					throw new Malformed("TOML", e.getLocation() == null ? 0 : e.getLocation().getLineNr());
				} catch (IOException e) {
					throw new Malformed("TOML", 0);
				}
			}
			default -> {
				// line formats have no invalid text: any line that is not an assignment is ignored by their readers
			}
		}
	}

	// --- JSON ---

	private static List<Entry> json(String text, boolean all) throws Malformed {
		List<Entry> entries = new ArrayList<>();
		try (JsonParser p = JSONC.createParser(text)) {
			JsonToken t;
			while ((t = p.nextToken()) != null) {
				if (t == JsonToken.VALUE_STRING) {
					String name = p.getParsingContext().inObject() ? p.currentName() : null;
					String value = p.getText();
					// Most strings in a big file (Claude Code's prompt history) are prose: only possible credentials get their path.
					if (all || mayHoldCredential(name, value)) {
						List<String> path = pointerPath(p.getParsingContext().pathAsPointer());
						entries.add(new Entry(name, value, p.currentTokenLocation().getLineNr(), path, false, false));
					}
				}
			}
		} catch (com.fasterxml.jackson.core.JsonProcessingException e) {
			throw new Malformed("JSON", e.getLocation() == null ? 0 : e.getLocation().getLineNr());
		} catch (IOException e) {
			throw new Malformed("JSON", 0);
		}
		return entries;
	}

	private static boolean mayHoldCredential(String name, String value) {
		return value.length() >= 6 && (CredentialCatalogue.isSecretName(name) || "auth".equals(name) || "identitytoken".equals(name)
				|| CredentialCatalogue.hasKnownPrefix(value));
	}

	private static List<String> pointerPath(JsonPointer pointer) {
		List<String> path = new ArrayList<>();
		for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
			path.add(p.getMatchingProperty());
		}
		return path;
	}

	// --- YAML ---

	private static List<Entry> yaml(String text) throws Malformed {
		List<Entry> entries = new ArrayList<>();
		try {
			LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(true).setMaxAliasesForCollections(50).build();
			for (Node doc : new Compose(settings).composeAllFromString(text)) {
				yamlNode(doc, null, new ArrayList<>(), entries, Collections.newSetFromMap(new IdentityHashMap<>()));
			}
		} catch (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
			throw new Malformed("YAML", e.getProblemMark().map(m -> m.getLine() + 1).orElse(0));
		} catch (RuntimeException e) {
			throw new Malformed("YAML", 0);
		}
		return entries;
	}

	private static void yamlNode(Node node, String name, List<String> path, List<Entry> entries, Set<Node> seen) {
		if (!seen.add(node)) {
			return; // an alias to a node already read
		}
		switch (node) {
			case ScalarNode s -> entries.add(new Entry(name, s.getValue(), s.getStartMark().map(m -> m.getLine() + 1).orElse(0),
					List.copyOf(path), false, false));
			case MappingNode m -> {
				for (NodeTuple tuple : m.getValue()) {
					String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
					path.add(key);
					yamlNode(tuple.getValueNode(), key, path, entries, seen);
					path.removeLast();
				}
			}
			case SequenceNode s -> {
				for (Node item : s.getValue()) {
					yamlNode(item, null, path, entries, seen);
				}
			}
			default -> {
			}
		}
	}

	// --- TOML ---

	private static final Pattern TOML_KEY = Pattern.compile("(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\\s*\\.\\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*");
	private static final Pattern TOML_HEADER = Pattern.compile("^\\s*\\[\\[?\\s*(" + TOML_KEY.pattern() + ")\\s*]]?");
	private static final Pattern TOML_PAIR = Pattern.compile("(" + TOML_KEY.pattern() + ")\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)')");
	private static final Pattern TOML_INLINE_TABLE = Pattern.compile("(" + TOML_KEY.pattern() + ")\\s*=\\s*\\{");

	private static List<Entry> toml(String text) {
		List<Entry> entries = new ArrayList<>();
		List<String> table = List.of();
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			String trimmed = line.strip();
			boolean comment = trimmed.startsWith("#");
			String body = comment ? trimmed.substring(1) : line;
			Matcher header = TOML_HEADER.matcher(body);
			if (!comment && header.find()) {
				table = tomlKeys(header.group(1));
				continue;
			}
			List<String> inline = List.of();
			int inlineAt = Integer.MAX_VALUE;
			Matcher it = TOML_INLINE_TABLE.matcher(body);
			if (it.find()) {
				inline = tomlKeys(it.group(1));
				inlineAt = it.end();
			}
			Matcher pair = TOML_PAIR.matcher(body);
			while (pair.find()) {
				List<String> path = new ArrayList<>(table);
				if (pair.start() >= inlineAt) {
					path.addAll(inline);
				}
				List<String> keys = tomlKeys(pair.group(1));
				path.addAll(keys);
				String value = pair.group(2) != null ? unescapeBasic(pair.group(2)) : pair.group(3);
				entries.add(new Entry(keys.getLast(), value, i + 1, path, comment, false));
			}
		}
		return entries;
	}

	private static List<String> tomlKeys(String dotted) {
		List<String> keys = new ArrayList<>();
		Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)").matcher(dotted);
		while (m.find()) {
			keys.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
		}
		return keys;
	}

	private static String unescapeBasic(String s) {
		return s.indexOf('\\') < 0 ? s : s.replace("\\\"", "\"").replace("\\\\", "\\");
	}

	// --- INI (aws credentials, npmrc) ---

	private static List<Entry> ini(String text) {
		List<Entry> entries = new ArrayList<>();
		String section = null;
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String t = lines[i].strip();
			boolean comment = t.startsWith("#") || t.startsWith(";");
			if (comment) {
				t = t.substring(1).strip();
			}
			if (!comment && t.startsWith("[") && t.endsWith("]")) {
				section = t.substring(1, t.length() - 1).strip();
				continue;
			}
			int eq = t.indexOf('=');
			if (eq <= 0) {
				continue;
			}
			String key = t.substring(0, eq).strip();
			String value = unquote(t.substring(eq + 1).strip());
			List<String> path = section == null ? List.of(key) : List.of(section, key);
			String lower = key.toLowerCase(Locale.ROOT);
			// npm's auth settings are credentials whatever they look like; keys may be scoped (//registry/:_authToken).
			boolean credential = lower.endsWith("_authtoken") || lower.endsWith(":_auth") || lower.equals("_auth") || lower.endsWith("_password");
			entries.add(new Entry(key, value, i + 1, path, comment, credential));
		}
		return entries;
	}

	private static String unquote(String v) {
		if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
			return v.substring(1, v.length() - 1);
		}
		return v;
	}

	// --- netrc ---

	private static List<Entry> netrc(String text) {
		List<Entry> entries = new ArrayList<>();
		String machine = "default";
		String[] lines = text.split("\n", -1);
		String pending = null;
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			int hash = line.indexOf('#');
			boolean comment = hash >= 0 && line.substring(0, hash).isBlank();
			String body = comment ? line.substring(hash + 1) : line;
			for (String token : body.strip().split("\\s+")) {
				if (token.isEmpty()) {
					continue;
				}
				if (pending != null) {
					if (pending.equals("machine")) {
						machine = token;
					} else {
						entries.add(new Entry(pending, token, i + 1, List.of(machine, pending), comment, true));
					}
					pending = null;
				} else if (token.equals("machine") || token.equals("password")) {
					pending = token;
				} else if (token.equals("default")) {
					machine = "default";
				}
			}
			if (comment) {
				pending = null;
			}
		}
		return entries;
	}
}
