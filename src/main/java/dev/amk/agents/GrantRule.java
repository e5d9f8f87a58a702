package dev.amk.agents;

import dev.amk.common.InvalidInput;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an agent may do on one connection: which methods, on which paths.
 *
 * <p>Written on the command line as {@code CONN}, {@code CONN:read}, {@code CONN:full},
 * {@code CONN:GET,POST} or {@code CONN:METHODS:/path/glob,/other/**}, where METHODS may also be
 * {@code read}, {@code full} or {@code *}. {@code CONN:ask:METHODS:PATHS} (or {@code CONN:ask} for everything) is an
 * approval rule: a matching request is held until a person approves it in the app; it applies beside the
 * connection's grant (and before it), so {@code github} plus {@code github:ask:PUT:/repos/**}{@code /merge} asks only
 * before merges. For an MCP server, {@code CONN:tools=GLOB,GLOB} grants every method and path but only the tools named
 * ({@link ToolGlob}); {@code tools} is null when every tool is granted, empty when none is ({@code CONN:tools=}). For a cloud account, {@code cloud} holds the
 * session policy and services of an AWS grant or the OAuth scopes of a Google Cloud one ({@code CONN:scopes=…}; {@link CloudLimits});
 * null for every other grant.
 */
public record GrantRule(Preset preset, Set<String> methods, List<PathGlob> paths, CloudLimits cloud, List<ToolGlob> tools) {
	/** The prefix of a per-tool grant, after {@code CONN:}. */
	public static final String TOOLS_PREFIX = "tools=";

	public static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
	private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE");

	public enum Preset {
		/** Every method, every path. */
		FULL,
		/** GET, HEAD and OPTIONS only. */
		READ,
		/** Methods and paths chosen by the user. */
		CUSTOM,
		/** An approval rule: the methods and paths it covers are allowed only once a person approves (see the class comment). */
		ASK;

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	public static final GrantRule FULL = new GrantRule(Preset.FULL, Set.of(), List.of(PathGlob.EVERYTHING));
	public static final GrantRule READ = new GrantRule(Preset.READ, READ_METHODS, List.of(PathGlob.EVERYTHING));

	/** A rule without cloud limits or tool list: every grant but {@code CONN:services=…}, {@code CONN:policy=…}, {@code CONN:scopes=…} and {@code CONN:tools=…}. */
	public GrantRule(Preset preset, Set<String> methods, List<PathGlob> paths) {
		this(preset, methods, paths, null, null);
	}

	/** A cloud account's rule ({@code CONN:services=…}, {@code CONN:policy=…}, {@code CONN:scopes=…}). */
	public GrantRule(Preset preset, Set<String> methods, List<PathGlob> paths, CloudLimits cloud) {
		this(preset, methods, paths, cloud, null);
	}

	/** An MCP server's rule with its tool list ({@code CONN:tools=…}). */
	public GrantRule(Preset preset, Set<String> methods, List<PathGlob> paths, List<ToolGlob> tools) {
		this(preset, methods, paths, null, tools);
	}

	public GrantRule {
		methods = Set.copyOf(methods);
		paths = List.copyOf(paths);
		tools = tools == null ? null : List.copyOf(tools); // empty: the server, but none of its tools
		if (paths.isEmpty()) {
			throw new IllegalArgumentException("a grant needs at least one path rule");
		}
	}

	/** A rule from the part after {@code CONN:} ({@code null} for a bare connection). */
	public static GrantRule parse(String spec) {
		if (spec == null || spec.isBlank()) {
			return FULL;
		}
		if (spec.strip().startsWith(TOOLS_PREFIX)) {
			return withTools(spec.strip().substring(TOOLS_PREFIX.length()));
		}
		if (CloudLimits.isCloudSpec(spec)) {
			// Enforced by the cloud (session policy, token scopes) and by the broker before signing (services); every method and path.
			return new GrantRule(Preset.CUSTOM, Set.of(), List.of(PathGlob.EVERYTHING), CloudLimits.parse(spec), null);
		}
		String[] parts = spec.split(":", 2);
		String methodPart = parts[0].trim();
		if (methodPart.equalsIgnoreCase("ask")) {
			GrantRule covered = parse(parts.length > 1 ? parts[1] : null);
			if (covered.preset() == Preset.ASK) {
				throw new InvalidInput(InvalidInput.Field.METHODS, InvalidInput.Problem.MALFORMED, "'ask' is written once: CONN:ask:METHODS:PATHS.");
			}
			return new GrantRule(Preset.ASK, covered.methods(), covered.paths());
		}
		List<PathGlob> paths = parts.length > 1 && !parts[1].isBlank()
				? Arrays.stream(parts[1].split(",")).map(String::trim).map(PathGlob::parse).toList()
				: List.of(PathGlob.EVERYTHING);
		if (paths.isEmpty()) {
			throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "'" + parts[1].trim()
					+ "' names no path rule. Use paths such as /v1/chat/** , separated by commas.");
		}
		boolean customPaths = parts.length > 1 && !(paths.size() == 1 && paths.getFirst().equals(PathGlob.EVERYTHING));
		return switch (methodPart.toLowerCase(Locale.ROOT)) {
			case "full", "*", "" -> customPaths ? new GrantRule(Preset.CUSTOM, Set.of(), paths) : FULL;
			case "read" -> customPaths ? new GrantRule(Preset.CUSTOM, READ_METHODS, paths) : READ;
			default -> new GrantRule(Preset.CUSTOM, parseMethods(methodPart), paths);
		};
	}

	/**
	 * Every method and path, only the tools named: {@code GLOB,GLOB} as typed after {@code tools=}. Nothing at all after
	 * {@code tools=} grants no tool (the server's other methods, such as resources, stay reachable); commas or blanks
	 * without a name are refused as a typo rather than read as either.
	 */
	public static GrantRule withTools(String globs) {
		if (globs != null && globs.isEmpty()) {
			return withTools(List.of());
		}
		List<ToolGlob> tools = globs == null ? List.of() : Arrays.stream(globs.split(",")).filter(g -> !g.isBlank()).map(ToolGlob::parse).toList();
		if (tools.isEmpty()) {
			throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.MISSING, "'tools=" + globs.strip() + "' names no tool. Use"
					+ " CONN:tools=search,read_* (names or patterns with *, separated by commas), CONN:tools= for no tool, or the bare CONN for"
					+ " every tool.");
		}
		return withTools(tools);
	}

	/** Every method and path, only {@code tools} (none when empty): what the agent editor's tool picker saves. */
	public static GrantRule withTools(List<ToolGlob> tools) {
		return new GrantRule(Preset.FULL, Set.of(), List.of(PathGlob.EVERYTHING), tools);
	}

	/** Rebuilds a rule from its stored columns. */
	public static GrantRule fromColumns(String preset, String methods, String paths) {
		return fromColumns(preset, methods, paths, null, null, null);
	}

	/** With the cloud columns of {@code V7__cloud.sql}. */
	public static GrantRule fromColumns(String preset, String methods, String paths, String sessionPolicy, String services) {
		return fromColumns(preset, methods, paths, sessionPolicy, services, null);
	}

	/**
	 * With the cloud columns of {@code V7__cloud.sql} and the {@code tools} column of {@code V6__mcp.sql}.
	 *
	 * @param tools null for every tool, else comma-separated patterns
	 */
	public static GrantRule fromColumns(String preset, String methods, String paths, String sessionPolicy, String services, String tools) {
		Set<String> m = methods.equals("*") ? Set.of() : Set.of(methods.split(","));
		List<PathGlob> p = Arrays.stream(paths.split(",")).map(PathGlob::parse).toList();
		List<ToolGlob> t = tools == null ? null : tools.isEmpty() ? List.of() : Arrays.stream(tools.split(",")).map(ToolGlob::new).toList();
		return new GrantRule(Preset.valueOf(preset.toUpperCase(Locale.ROOT)), m, p, CloudLimits.fromColumns(sessionPolicy, services), t);
	}

	public String sessionPolicyColumn() {
		return cloud == null ? null : cloud.sessionPolicy();
	}

	public String servicesColumn() {
		return cloud == null ? null : cloud.servicesColumn();
	}

	/** The {@code tools} column: null when every tool is granted, empty when none is. */
	public String toolsColumn() {
		return tools == null ? null : tools.stream().map(ToolGlob::pattern).collect(Collectors.joining(","));
	}

	/** Whether an MCP {@code tools/call} of {@code toolName} is within this grant; compared exactly (see {@link ToolGlob}). */
	public boolean allowsTool(String toolName) {
		return tools == null || tools.stream().anyMatch(t -> t.matches(toolName));
	}

	/** Whether only some tools are granted, so that MCP traffic must be inspected and tool lists filtered. */
	public boolean limitsTools() {
		return tools != null;
	}

	public String methodsColumn() {
		return methods.isEmpty() ? "*" : methods.stream().sorted().collect(Collectors.joining(","));
	}

	public String pathsColumn() {
		return paths.stream().map(PathGlob::pattern).collect(Collectors.joining(","));
	}

	/**
	 * Whether this rule allows nothing {@code wider} does not: every method it allows, {@code wider} allows, and every path
	 * glob it has is one of {@code wider}'s or {@code wider} reaches every path. The test of a child key's grant ({@code amk run}).
	 */
	public boolean within(GrantRule wider) {
		boolean methodsOk = wider.methods().isEmpty() || (!methods().isEmpty() && wider.methods().containsAll(methods()));
		boolean pathsOk = wider.paths().contains(PathGlob.EVERYTHING) || wider.paths().containsAll(paths());
		// A cloud grant's limits live outside methods and paths (services=s3 allows every method and path): without this a run
		// of an agent holding aws:services=s3 could ask for plain aws and get every service.
		boolean cloudOk = wider.cloud() == null || (cloud() != null && cloud().within(wider.cloud()));
		return methodsOk && pathsOk && cloudOk;
	}

	/** Whether a request with {@code method} to {@code pathSegments} falls under this rule (both allowed). */
	public boolean covers(String method, List<String> pathSegments) {
		return allowsMethod(method) && allowsPath(pathSegments);
	}

	public boolean allowsMethod(String method) {
		return methods.isEmpty() || methods.contains(method);
	}

	public boolean allowsPath(List<String> pathSegments) {
		return paths.stream().anyMatch(p -> p.matches(pathSegments));
	}

	/** "full", "read", "GET,POST on /v1/chat/**", "tools search,read_*" or "no tools". */
	public String describe() {
		if (tools != null) {
			return tools.isEmpty() ? "no tools" : "tools " + toolsColumn();
		}
		return switch (preset) {
			case FULL -> "full";
			case READ -> "read";
			case CUSTOM -> cloud != null ? cloud.describe() : (methods.isEmpty() ? "any method" : methodsColumn()) + " on " + pathsColumn();
			case ASK -> "ask before " + (methods.isEmpty() ? "any method" : methodsColumn()) + " on " + pathsColumn();
		};
	}

	/** The form the CLI accepts, so that a grant can be printed and typed back. */
	public String toSpec() {
		if (tools != null) {
			return TOOLS_PREFIX + toolsColumn();
		}
		return switch (preset) {
			case FULL -> "full";
			case READ -> "read";
			case CUSTOM -> cloud != null ? cloud.toSpec() : (methods.isEmpty() ? "*" : methodsColumn()) + ":" + pathsColumn();
			case ASK -> "ask:" + (methods.isEmpty() ? "*" : methodsColumn()) + ":" + pathsColumn();
		};
	}

	private static Set<String> parseMethods(String text) {
		Set<String> methods = new LinkedHashSet<>();
		for (String raw : text.split(",")) {
			String m = raw.trim().toUpperCase(Locale.ROOT);
			if (m.equals("READ")) {
				methods.addAll(READ_METHODS);
			} else if (KNOWN_METHODS.contains(m)) {
				methods.add(m);
			} else {
				throw new InvalidInput(InvalidInput.Field.METHODS, InvalidInput.Problem.MALFORMED, "'" + raw.trim() + "' is not a preset or HTTP method. Use read, full, or methods such as GET,POST.");
			}
		}
		if (methods.isEmpty()) {
			// An empty set means "every method" in a rule: a list of commas must not quietly grant that.
			throw new InvalidInput(InvalidInput.Field.METHODS, InvalidInput.Problem.MISSING, "'" + text
					+ "' names no HTTP method. Use read, full, or methods such as GET,POST.");
		}
		return methods;
	}
}
