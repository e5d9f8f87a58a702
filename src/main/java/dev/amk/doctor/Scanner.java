package dev.amk.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds raw credentials in the places agents and developer tools keep them (see {@link KnownLocations}) and in
 * {@code .env} files under folders a person names.
 *
 * <p>Each file is read once, whole, so a file that changes while it is scanned is seen as it was at that
 * moment. Walks never enter {@code node_modules}, version-control folders, caches or network mounts, and
 * follow symbolic links with loop detection. A file that cannot be read is reported, not fatal.
 */
public final class Scanner {
	/** Claude Code's ~/.claude.json holds project history and can grow to megabytes; anything past this is not a config. */
	static final long MAX_FILE_BYTES = 32L * 1024 * 1024;
	private static final int MAX_DEPTH = 16;
	private static final Set<String> SKIPPED_FOLDERS = Set.of("node_modules", ".git", ".hg", ".svn", ".cache", "cache", "caches", "Caches",
			"__pycache__", ".venv", "venv", ".tox", ".gradle", ".m2", ".npm", ".pnpm-store", ".yarn", ".cargo", ".rustup", "Library", ".Trash",
			"target", ".idea", ".terraform");
	private static final Set<String> NETWORK_FILE_SYSTEMS = Set.of("nfs", "nfs4", "cifs", "smbfs", "smb2", "smb3", "afpfs", "webdav", "davfs",
			"fuse.sshfs", "sshfs", "9p", "fuse.rclone", "fuse.s3fs", "ncpfs", "afs");
	private static final List<String> MCP_BLOCKS = List.of("mcpServers", "mcp_servers", "servers", "context_servers");

	private final Path home;
	private final String osName;

	public Scanner(Path home, String osName) {
		this.home = home;
		this.osName = osName;
	}

	/** The home folder the contract names: {@code $HOME} when set, so that a fixture home can be scanned; else the OS's. */
	public static Path homeFrom(Map<String, String> env) {
		String h = env.get("HOME");
		return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"));
	}

	/** Scans the known locations and every {@code .env*} file under {@code paths} (files given directly are read too). */
	public ScanResult scan(List<Path> paths) {
		List<Location> locations = new ArrayList<>(KnownLocations.under(home, osName));
		List<ScanResult.Problem> problems = new ArrayList<>();
		for (Path p : paths) {
			collect(p.toAbsolutePath().normalize(), locations, problems);
		}
		List<Finding> findings = new ArrayList<>();
		List<Path> scanned = new ArrayList<>();
		Map<String, String> secrets = new HashMap<>();
		Set<Path> seen = new HashSet<>();
		for (Location location : locations) {
			Path real;
			try {
				real = location.file().toRealPath();
			} catch (NoSuchFileException e) {
				continue;
			} catch (IOException e) {
				problems.add(new ScanResult.Problem(location.file(), "could not be resolved (" + e.getClass().getSimpleName() + ")"));
				continue;
			}
			if (!seen.add(real) || !Files.isRegularFile(real)) {
				continue; // two names for one file (a symlinked dotfile) are read once
			}
			String text;
			try {
				if (Files.size(real) > MAX_FILE_BYTES) {
					problems.add(new ScanResult.Problem(location.file(), "larger than " + (MAX_FILE_BYTES >> 20) + " MB, not read"));
					continue;
				}
				text = new String(Files.readAllBytes(real), StandardCharsets.UTF_8);
			} catch (NoSuchFileException e) {
				continue; // removed while the scan ran
			} catch (AccessDeniedException e) {
				problems.add(new ScanResult.Problem(location.file(), "permission denied"));
				continue;
			} catch (IOException e) {
				problems.add(new ScanResult.Problem(location.file(), "could not be read (" + e.getClass().getSimpleName() + ")"));
				continue;
			}
			scanned.add(location.file());
			analyse(location, text, findings, secrets, problems);
		}
		return new ScanResult(findings, scanned, problems, secrets);
	}

	private void collect(Path path, List<Location> into, List<ScanResult.Problem> problems) {
		if (Files.isRegularFile(path)) {
			into.add(locationOf(path));
			return;
		}
		if (!Files.isDirectory(path)) {
			problems.add(new ScanResult.Problem(path, "not found"));
			return;
		}
		try {
			Files.walkFileTree(path, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (!dir.equals(path) && (SKIPPED_FOLDERS.contains(String.valueOf(dir.getFileName())) || onNetworkMount(dir))) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
					if (attrs.isRegularFile() && isEnvFile(file)) {
						into.add(KnownLocations.envFile(file));
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException e) {
					if (e instanceof AccessDeniedException) {
						problems.add(new ScanResult.Problem(file, "permission denied"));
					} else if (!(e instanceof FileSystemLoopException || e instanceof NoSuchFileException)) {
						problems.add(new ScanResult.Problem(file, "could not be read (" + e.getClass().getSimpleName() + ")"));
					}
					return FileVisitResult.CONTINUE;
				}
			});
		} catch (IOException e) {
			problems.add(new ScanResult.Problem(path, "could not be walked (" + e.getClass().getSimpleName() + ")"));
		}
	}

	static boolean isEnvFile(Path file) {
		String name = String.valueOf(file.getFileName());
		return name.startsWith(".env") && !name.contains(".amk-backup-") && !name.endsWith(".example") && !name.endsWith(".sample")
				&& !name.endsWith(".template");
	}

	private static boolean onNetworkMount(Path dir) {
		try {
			FileStore store = Files.getFileStore(dir);
			return NETWORK_FILE_SYSTEMS.contains(store.type().toLowerCase(Locale.ROOT));
		} catch (IOException e) {
			return false;
		}
	}

	/** A file named on the command line: read by its name's format. */
	private static Location locationOf(Path file) {
		String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
		FileFormat format = name.endsWith(".json") ? FileFormat.JSON : name.endsWith(".toml") ? FileFormat.TOML
				: name.endsWith(".yml") || name.endsWith(".yaml") ? FileFormat.YAML : name.endsWith("netrc") ? FileFormat.NETRC
				: name.endsWith("rc") && !name.startsWith(".env") || name.endsWith(".fish") || name.endsWith("profile") ? FileFormat.SHELL
				: FileFormat.DOTENV;
		if (format == FileFormat.DOTENV) {
			return KnownLocations.envFile(file);
		}
		String client = name.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
		return new Location(file, format, client.isEmpty() ? "file" : client, file.getFileName().toString());
	}

	// --- one file ---

	private record Candidate(String provider, String kind, String prefix) {
	}

	static void analyse(Location location, String text, List<Finding> findings, Map<String, String> secrets, List<ScanResult.Problem> problems) {
		List<Entry> entries;
		try {
			entries = ConfigReader.read(text, location.format());
		} catch (ConfigReader.Malformed e) {
			// Its assignments cannot be read, but recognisable keys in its text are still found below.
			entries = List.of();
			problems.add(new ScanResult.Problem(location.file(), e.getMessage() + "; searched as plain text"));
		}
		Map<String, Candidate> candidates = new LinkedHashMap<>();
		for (CredentialCatalogue.Match m : CredentialCatalogue.find(text)) {
			candidates.putIfAbsent(m.secret(), new Candidate(m.provider(), m.kind(), m.prefix()));
		}
		for (Entry e : entries) {
			String v = e.value();
			if (v == null || v.isEmpty() || candidates.containsKey(v) || CredentialCatalogue.recognise(v) != null) {
				continue;
			}
			boolean schemaSays = e.credentialField() || isDockerAuth(e);
			if (schemaSays ? v.length() >= 6 && !CredentialCatalogue.looksLikePlaceholder(v)
					: CredentialCatalogue.isSecretName(e.name()) && CredentialCatalogue.looksLikeSecret(v)) {
				candidates.put(v, new Candidate(providerOf(e, location), kindOfName(e.name(), schemaSays), null));
			}
		}
		if (candidates.isEmpty()) {
			return;
		}
		int[] lineStarts = lineStarts(text);
		for (Map.Entry<String, Candidate> c : candidates.entrySet()) {
			String secret = c.getKey();
			Candidate what = c.getValue();
			String fingerprint = Fingerprints.of(secret);
			String preview = Fingerprints.preview(secret, what.prefix());
			boolean agentKey = "agent_key".equals(what.kind());
			if (!agentKey) {
				secrets.put(fingerprint, secret);
			}
			for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length())) {
				if (!standsAlone(text, at, secret.length())) {
					continue;
				}
				int line = lineOf(lineStarts, at);
				Entry entry = enclosing(entries, secret, line);
				boolean inComment = entry != null ? entry.inComment() : isCommentLine(text, lineStarts, line, location.format());
				String note = agentKey ? (CredentialCatalogue.isAgentKeyPlaceholder(secret) ? "agent key placeholder: fine"
						: "agent key: whoever reads the file can use it")
						: inComment ? "in a comment" : null;
				List<String> path = entry != null ? entry.path() : List.of();
				findings.add(new Finding(location.file(), line, what.kind(), what.provider(), fingerprint, preview,
						entry != null ? entry.name() : null, consumerOf(location, path), location.format(), inComment, note));
			}
		}
		findings.sort(java.util.Comparator.comparing(Finding::file).thenComparingInt(Finding::line));
	}

	private static boolean isDockerAuth(Entry e) {
		return e.path().size() == 3 && e.path().getFirst().equals("auths") && (e.name().equals("auth") || e.name().equals("identitytoken"));
	}

	private static String providerOf(Entry e, Location location) {
		String byName = CredentialCatalogue.providerOfName(e.name());
		if (byName != null) {
			return byName;
		}
		if (isDockerAuth(e)) {
			return "docker";
		}
		if (location.format() == FileFormat.NETRC && !e.path().isEmpty()) {
			return CredentialCatalogue.providerOfHost(e.path().getFirst());
		}
		if (location.client().equals("npm")) {
			return "npm";
		}
		return e.path().stream().map(CredentialCatalogue::providerOfName).filter(java.util.Objects::nonNull).findFirst().orElse(null);
	}

	private static String kindOfName(String name, boolean schemaSays) {
		String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
		if (n.contains("secret_access_key")) {
			return "aws_secret_access_key";
		}
		if (n.contains("password") || n.contains("passwd") || n.equals("auth") || n.endsWith("_auth")) {
			return "password";
		}
		if (n.contains("token")) {
			return "access_token";
		}
		return schemaSays ? "password" : "api_key";
	}

	/** The secret is not part of a longer word: {@code sk-abc} inside {@code xsk-abcd} is not it. */
	private static boolean standsAlone(String text, int at, int length) {
		return (at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
				&& (at + length >= text.length() || !Character.isLetterOrDigit(text.charAt(at + length)));
	}

	/** The assignment the occurrence on {@code line} belongs to: the nearest one at or above it whose value holds the secret. */
	private static Entry enclosing(List<Entry> entries, String secret, int line) {
		Entry best = null;
		for (Entry e : entries) {
			if (e.line() <= line && e.value() != null && e.value().contains(secret) && (best == null || e.line() > best.line())) {
				best = e;
			}
		}
		return best;
	}

	private static boolean isCommentLine(String text, int[] lineStarts, int line, FileFormat format) {
		int start = lineStarts[line - 1];
		int end = line < lineStarts.length ? lineStarts[line] : text.length();
		String t = text.substring(start, end).strip();
		return switch (format) {
			// outside every string value of a JSON or YAML document there is only structure and comments
			case JSON, YAML -> true;
			case INI -> t.startsWith("#") || t.startsWith(";");
			default -> t.startsWith("#");
		};
	}

	private static int[] lineStarts(String text) {
		List<Integer> starts = new ArrayList<>();
		starts.add(0);
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				starts.add(i + 1);
			}
		}
		return starts.stream().mapToInt(Integer::intValue).toArray();
	}

	private static int lineOf(int[] lineStarts, int offset) {
		int i = Arrays.binarySearch(lineStarts, offset);
		return (i >= 0 ? i : -i - 2) + 1;
	}

	/** An MCP server entry when the value sits in one ({@code mcpServers.github.env.X}), else the whole file. */
	static Consumer consumerOf(Location location, List<String> path) {
		for (int i = 0; i + 1 < path.size() - 1; i++) {
			if (MCP_BLOCKS.contains(path.get(i))) {
				String server = path.get(i + 1);
				return new Consumer(location.file(), agentName(location.client() + "-" + server),
						"MCP server '" + server + "' in " + location.label(), server);
			}
		}
		return new Consumer(location.file(), agentName(location.client()), location.label(), null);
	}

	private static String agentName(String raw) {
		String n = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
		n = n.isEmpty() ? "agent" : n;
		return n.length() > 56 ? n.substring(0, 56) : n;
	}
}
