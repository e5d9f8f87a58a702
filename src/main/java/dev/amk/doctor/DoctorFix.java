package dev.amk.doctor;

import dev.amk.agents.AgentService;
import dev.amk.agents.Grant;
import dev.amk.agents.GrantRule;
import dev.amk.common.AmkException;
import dev.amk.common.AtomicFiles;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.secrets.SecretStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Moves the raw keys a scan found behind the broker: each distinct secret becomes a connection (or reuses
 * the one that already holds it), each consumer gets its own agent, and each file is rewritten to use the
 * broker's address and the agent's key, after a backup, with an atomic write. A file is written only when its
 * rewritten text still parses by its format's rules, says what was meant, and (with a broker running) a test
 * call through the broker succeeds; otherwise nothing is changed for it and what was made for it is removed.
 */
public final class DoctorFix {
	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
	private static final Set<FileFormat> REWRITABLE = Set.of(FileFormat.SHELL, FileFormat.DOTENV, FileFormat.JSON, FileFormat.TOML);

	/** One key to replace: where, with which connection (new or reused) and agent, and the base URL to set. */
	public record Change(Finding finding, ProviderSpec provider, String connection, boolean newConnection, String agent, String baseVariable,
			String baseUrl) {
	}

	/** A finding the fix leaves as it is, and why. */
	public record Left(Finding finding, String reason) {
	}

	/** The changes in one file, confirmed (or not) together. */
	public record FilePlan(Path file, FileFormat format, List<Change> changes) {
		public Set<String> agents() {
			Set<String> names = new LinkedHashSet<>();
			changes.forEach(c -> names.add(c.agent()));
			return names;
		}
	}

	/** A key that sat in a plain file: rotate it at the provider. {@code connection} is where it now lives, or null. */
	public record Rotation(String fingerprint, String preview, String provider, String link, String connection) {
	}

	public record Plan(List<FilePlan> files, List<Left> left, List<Rotation> rotate) {
	}

	public enum Status { WRITTEN, DECLINED, FAILED }

	/** What happened to one file. {@code check} says how it was verified, or why it was not written. */
	public record FileOutcome(Path file, Status status, Path backup, String check, List<Change> changes) {
	}

	public record Outcome(List<FileOutcome> files, List<Left> left, List<Rotation> rotate, List<String> connectionsCreated,
			List<String> agentsCreated) {
		public boolean anyFailed() {
			return files.stream().anyMatch(f -> f.status() == Status.FAILED);
		}
	}

	public record UndoOutcome(List<Path> restored, List<String> skipped, List<String> agentsDeleted, List<String> connectionsKept) {
	}

	private final ConnectionService connections;
	private final SecretStore secrets;
	private final AgentService agents;
	private final Path dataDir;
	private final Clock clock;
	private final int port;
	private final BrokerCheck broker;

	/**
	 * @param port   the broker's port, written into the rewritten base URLs
	 * @param broker the running broker to check each rewritten consumer through, or null when none is running
	 */
	public DoctorFix(ConnectionService connections, SecretStore secrets, AgentService agents, Path dataDir, Clock clock, int port,
			BrokerCheck broker) {
		this.connections = connections;
		this.secrets = secrets;
		this.agents = agents;
		this.dataDir = dataDir;
		this.clock = clock;
		this.port = port;
		this.broker = broker;
	}

	// --- planning: reads the registry and the keychain, changes nothing ---

	public Plan plan(ScanResult scan) {
		Map<String, String> existingByFingerprint = existingConnectionsByFingerprint();
		Set<String> takenConnections = new HashSet<>();
		connections.list().forEach(l -> takenConnections.add(l.connection().name()));
		Set<String> takenAgents = new HashSet<>();
		agents.list().forEach(a -> takenAgents.add(a.name()));

		Map<String, String> plannedConnection = new HashMap<>(existingByFingerprint);
		Map<String, String> agentOfConsumer = new HashMap<>();
		Map<Path, List<Change>> byFile = new LinkedHashMap<>();
		Map<Path, FileFormat> formats = new HashMap<>();
		List<Left> left = new ArrayList<>();
		Map<Path, List<Entry>> entriesByFile = new HashMap<>();
		for (Finding f : scan.findings()) {
			if (!f.isRawSecret()) {
				continue;
			}
			BrokerRoute route = BrokerRoute.forVariable(f.variable());
			String reason = whyNot(f, route, entriesByFile);
			if (reason != null) {
				left.add(new Left(f, reason));
				continue;
			}
			ProviderSpec provider = Providers.byId(route.provider());
			boolean reused = existingByFingerprint.containsKey(f.fingerprint());
			String connection = plannedConnection.computeIfAbsent(f.fingerprint(), fp -> unique(provider.id(), takenConnections));
			String agent = agentOfConsumer.computeIfAbsent(f.file() + "\0" + f.consumer().id(), k -> unique(f.consumer().id(), takenAgents));
			byFile.computeIfAbsent(f.file(), k -> new ArrayList<>())
					.add(new Change(f, provider, connection, !reused, agent, route.baseVariable(), route.baseUrl(port, connection)));
			formats.put(f.file(), f.format());
		}
		List<FilePlan> files = byFile.entrySet().stream().map(e -> new FilePlan(e.getKey(), formats.get(e.getKey()), List.copyOf(e.getValue())))
				.toList();
		return new Plan(files, List.copyOf(left), rotations(scan, plannedConnection));
	}

	private String whyNot(Finding f, BrokerRoute route, Map<Path, List<Entry>> entriesByFile) {
		if (f.inComment()) {
			return "in a comment, which no program reads: delete the line by hand (and rotate the key)";
		}
		String what = f.consumer().mcpServer() != null ? "the MCP server '" + f.consumer().mcpServer() + "'" : f.consumer().label();
		if (route == null) {
			return switch (f.provider() == null ? "" : f.provider()) {
				case "aws" -> "AWS SDKs sign each request with the secret themselves, so the broker cannot stand in for it;"
						+ " keep it, or switch to short-lived credentials (aws sso login)";
				case "docker", "npm" -> f.consumer().label() + " reads this file itself and cannot be pointed at the broker";
				default -> {
					if (f.format() == FileFormat.NETRC || "gh".equals(f.consumer().id())) {
						yield f.consumer().label() + " reads this file itself and has no setting for another API address";
					}
					if (f.consumer().mcpServer() != null) {
						yield what + " reads " + f.variable() + " and has no base-URL setting the doctor knows; it can be wrapped once"
								+ " 'amk mcp run' exists";
					}
					yield (f.variable() == null ? "this value" : f.variable()) + " is not one the doctor knows how to point at the broker"
							+ " (it rewrites OPENAI_API_KEY, ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN and GEMINI_API_KEY);"
							+ " add it with 'amk connection add' and point its program at the broker by hand";
				}
			};
		}
		if (!route.provider().equals(f.provider())) {
			return f.variable() + " holds a key that looks like " + (f.provider() == null ? "an unknown provider's" : f.provider() + "'s")
					+ ", not " + route.provider() + "'s; check it by hand";
		}
		if (!REWRITABLE.contains(f.format())) {
			return f.format() + " files are not rewritten yet; set " + route.baseVariable() + " and the agent key by hand";
		}
		List<Entry> entries = entriesByFile.computeIfAbsent(f.file(), file -> entriesOf(file, f.format()));
		Entry own = entries.stream().filter(e -> f.variable().equals(e.name()) && e.line() == f.line()).findFirst().orElse(null);
		if (own == null) {
			return "its value runs over several lines; move it by hand";
		}
		List<String> scope = own.path().subList(0, own.path().size() - 1);
		boolean hasBase = entries.stream().anyMatch(e -> route.baseVariable().equals(e.name()) && !e.inComment()
				&& e.path().subList(0, e.path().size() - 1).equals(scope));
		if (hasBase) {
			return what + " already sets " + route.baseVariable() + " (its own endpoint?); move it by hand with 'amk connection add --base-url'";
		}
		return null;
	}

	private static List<Entry> entriesOf(Path file, FileFormat format) {
		try {
			return ConfigReader.readAll(Files.readString(file), format);
		} catch (IOException | ConfigReader.Malformed | RuntimeException e) {
			return List.of();
		}
	}

	private Map<String, String> existingConnectionsByFingerprint() {
		Map<String, String> found = new HashMap<>();
		for (ConnectionService.Listed l : connections.list()) {
			Connection c = l.connection();
			if (c.isOAuth()) {
				continue;
			}
			try {
				found.putIfAbsent(Fingerprints.of(secrets.get(c.secretRef())), c.name());
			} catch (AmkException e) {
				// a connection whose keychain item is gone cannot be matched; a new one is made instead
			}
		}
		return found;
	}

	private static String unique(String wanted, Set<String> taken) {
		String name = wanted;
		for (int i = 2; taken.contains(name); i++) {
			name = wanted + "-" + i;
		}
		taken.add(name);
		return name;
	}

	private static List<Rotation> rotations(ScanResult scan, Map<String, String> connectionOf) {
		Map<String, Rotation> byFingerprint = new LinkedHashMap<>();
		for (Finding f : scan.findings()) {
			if (f.isRawSecret()) {
				byFingerprint.putIfAbsent(f.fingerprint(), new Rotation(f.fingerprint(), f.preview(), f.provider(),
						f.provider() == null ? null : BrokerRoute.ROTATE_AT.get(f.provider()), connectionOf.get(f.fingerprint())));
			}
		}
		return List.copyOf(byFingerprint.values());
	}

	// --- applying ---

	/**
	 * Carries out {@code plan} for the files {@code confirm} accepts. The secrets come from {@code scan} (the
	 * scan the plan was made from) and go only to the keychain.
	 */
	public Outcome apply(ScanResult scan, Plan plan, Predicate<FilePlan> confirm) {
		String stamp = STAMP.format(clock.instant());
		List<FileOutcome> outcomes = new ArrayList<>();
		Set<String> createdConnections = new LinkedHashSet<>();
		Set<String> usedConnections = new HashSet<>();
		List<String> createdAgents = new ArrayList<>();
		List<FixManifest.FileRecord> records = new ArrayList<>();
		for (FilePlan fp : plan.files()) {
			if (!confirm.test(fp)) {
				outcomes.add(new FileOutcome(fp.file(), Status.DECLINED, null, "left as it was (declined)", fp.changes()));
				continue;
			}
			List<String> agentsForFile = new ArrayList<>();
			try {
				for (Change c : fp.changes()) {
					if (c.newConnection() && createdConnections.add(c.connection())) {
						connections.add(new ConnectionService.NewConnection(c.connection(), c.provider(), null, null),
								scan.secret(c.finding().fingerprint()));
					}
				}
				Map<String, String> keyOfAgent = new LinkedHashMap<>();
				for (String agent : fp.agents()) {
					List<Grant> grants = fp.changes().stream().filter(c -> c.agent().equals(agent)).map(Change::connection).distinct()
							.map(conn -> new Grant(conn, GrantRule.FULL)).toList();
					keyOfAgent.put(agent, agents.create(agent, grants, null).key());
					agentsForFile.add(agent);
				}
				Path real = fp.file().toRealPath();
				byte[] before = Files.readAllBytes(real);
				String text = new String(before, StandardCharsets.UTF_8);
				if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), before)) {
					throw new Rewriter.Unsupported("it is not UTF-8 text, so it cannot be rewritten byte for byte");
				}
				List<Rewriter.Edit> edits = fp.changes().stream().map(c -> new Rewriter.Edit(c.finding().line(), c.finding().variable(),
						scan.secret(c.finding().fingerprint()), keyOfAgent.get(c.agent()), c.baseVariable(), c.baseUrl())).toList();
				String rewritten = Rewriter.apply(text, fp.format(), edits);
				checkRewritten(rewritten, fp.format(), edits);
				String check = "not checked through the broker: it is not running (start the app or 'amk serve', then try the agent)";
				if (broker != null) {
					List<String> passed = new ArrayList<>();
					for (Change c : fp.changes()) {
						BrokerCheck.Result r = broker.check(c.connection(), c.provider(), keyOfAgent.get(c.agent()));
						if (!r.ok()) {
							throw new Rewriter.Unsupported("the test call through the broker failed: " + r.detail());
						}
						passed.add(r.detail());
					}
					check = String.join("; ", new LinkedHashSet<>(passed));
				}
				Path backup = AtomicFiles.backup(real, stamp);
				byte[] after = rewritten.getBytes(StandardCharsets.UTF_8);
				AtomicFiles.replace(real, after);
				records.add(new FixManifest.FileRecord(real, backup, sha256(after)));
				fp.changes().forEach(c -> usedConnections.add(c.connection()));
				createdAgents.addAll(agentsForFile);
				outcomes.add(new FileOutcome(fp.file(), Status.WRITTEN, backup, check, fp.changes()));
			} catch (Rewriter.Unsupported | ConfigReader.Malformed e) {
				undoAgents(agentsForFile);
				outcomes.add(new FileOutcome(fp.file(), Status.FAILED, null, "not changed: " + e.getMessage(), fp.changes()));
			} catch (IOException | AmkException e) {
				undoAgents(agentsForFile);
				String why = e instanceof AmkException ? e.getMessage() : e.getClass().getSimpleName();
				outcomes.add(new FileOutcome(fp.file(), Status.FAILED, null, "not changed: " + why, fp.changes()));
			}
		}
		for (String name : createdConnections) {
			if (!usedConnections.contains(name)) {
				connections.remove(name); // made for files that were not written: the keychain keeps nothing nobody uses
			}
		}
		List<String> keptConnections = createdConnections.stream().filter(usedConnections::contains).toList();
		if (!records.isEmpty()) {
			try {
				new FixManifest(clock.instant().toString(), records, keptConnections, createdAgents).save(dataDir);
			} catch (IOException e) {
				throw new AmkException(ErrorType.UNDO_RECORD_UNUSABLE, "The files were fixed, but the record for 'amk doctor --undo' could not be written to "
						+ FixManifest.path(dataDir) + " (" + e.getClass().getSimpleName() + "). The backups are beside each file.");
			}
		}
		return new Outcome(outcomes, plan.left(), plan.rotate(), keptConnections, createdAgents);
	}

	/** The rewritten text parses by its format's rules and now says what was meant: each variable holds the agent key, beside its base URL. */
	private static void checkRewritten(String text, FileFormat format, List<Rewriter.Edit> edits) throws ConfigReader.Malformed, Rewriter.Unsupported {
		ConfigReader.check(text, format);
		List<Entry> entries = ConfigReader.readAll(text, format);
		for (Rewriter.Edit e : edits) {
			boolean key = entries.stream().anyMatch(x -> e.variable().equals(x.name()) && e.agentKey().equals(x.value()) && !x.inComment());
			boolean base = entries.stream().anyMatch(x -> e.baseVariable().equals(x.name()) && e.baseUrl().equals(x.value()) && !x.inComment());
			if (!key || !base) {
				throw new Rewriter.Unsupported("the rewritten file would not set " + e.variable() + " and " + e.baseVariable() + " as meant");
			}
		}
	}

	private void undoAgents(List<String> names) {
		for (String name : names) {
			try {
				agents.delete(name);
			} catch (AmkException ignored) {
				// already gone
			}
		}
	}

	// --- undo ---

	/** Restores each file of the last fix from its backup, byte for byte, unless it was changed since; deletes the agents it made. */
	public UndoOutcome undo() {
		FixManifest manifest;
		try {
			manifest = FixManifest.load(dataDir);
		} catch (NoSuchFileException e) {
			throw new AmkException(ErrorType.NOT_FOUND, "There is no fix to undo: 'amk doctor --fix' has not changed any file since the last undo.");
		} catch (IOException | RuntimeException e) {
			throw new AmkException(ErrorType.UNDO_RECORD_UNUSABLE, "The record of the last fix (" + FixManifest.path(dataDir) + ") could not be read. The backups are"
					+ " beside each file, named FILE.amk-backup-TIME: copy them back by hand.");
		}
		List<Path> restored = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		for (FixManifest.FileRecord r : manifest.files()) {
			try {
				byte[] current = Files.readAllBytes(r.file());
				if (!sha256(current).equals(r.writtenSha256())) {
					skipped.add(r.file() + " was changed after the fix, so it was left as it is; its backup is " + r.backup());
					continue;
				}
				AtomicFiles.replace(r.file(), Files.readAllBytes(r.backup()));
				restored.add(r.file());
			} catch (IOException e) {
				skipped.add(r.file() + " could not be restored (" + e.getClass().getSimpleName() + "); its backup is " + r.backup());
			}
		}
		List<String> deleted = new ArrayList<>();
		for (String agent : manifest.agents()) {
			try {
				agents.delete(agent);
				deleted.add(agent);
			} catch (AmkException e) {
				// deleted by hand already
			}
		}
		try {
			Files.move(FixManifest.path(dataDir), FixManifest.path(dataDir).resolveSibling("undone-" + STAMP.format(clock.instant()) + ".json"));
		} catch (IOException e) {
			// a second undo would then find the files changed and skip them: harmless
		}
		return new UndoOutcome(restored, skipped, deleted, manifest.connections());
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}
}
