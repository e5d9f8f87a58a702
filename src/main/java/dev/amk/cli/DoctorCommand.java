package dev.amk.cli;

import dev.amk.broker.BrokerFile;
import dev.amk.doctor.BrokerCheck;
import dev.amk.doctor.DoctorFix;
import dev.amk.doctor.Finding;
import dev.amk.doctor.ScanResult;
import dev.amk.doctor.Scanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code amk doctor}: finds raw keys in agent configs, and with --fix moves them behind the broker. */
@Command(name = "doctor", description = {"Find raw API keys in agent configs, shell startup files and .env files (under PATHs).",
		"With --fix, move each one into the keychain and point its program at the broker; --undo puts the files back."})
final class DoctorCommand extends AmkCommand.Leaf {
	@Parameters(paramLabel = "PATH", arity = "0..*", description = "Folders whose .env files to check too (node_modules, .git and caches are skipped).")
	List<Path> paths = new ArrayList<>();

	@Option(names = "--fix", description = "Move the keys behind the broker: a connection per key, an agent per consumer, each file rewritten after a backup.")
	boolean fix;

	@Option(names = "--yes", description = "With --fix: do not ask before each file.")
	boolean yes;

	@Option(names = "--undo", description = "Put back the files the last --fix changed, from their backups.")
	boolean undo;

	@Override
	public Integer call() {
		String usage = usageProblem();
		if (usage != null) {
			ctx().err().println(json() ? dev.amk.common.Json.error("usage", usage) : "amk: " + usage);
			ctx().err().flush();
			return Cli.EXIT_USAGE;
		}
		Path home = Scanner.homeFrom(ctx().env());
		if (undo) {
			return undo(home);
		}
		ScanResult scan = new Scanner(home, System.getProperty("os.name", "")).scan(paths.stream().map(p -> p.toAbsolutePath().normalize()).toList());
		if (fix) {
			return fix(scan, home);
		}
		if (json()) {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("findings", scan.findings().stream().map(DoctorCommand::findingJson).toList());
			out.put("summary", scan.summary());
			Output.printJson(ctx().out(), out);
		} else {
			printScan(scan, home);
		}
		return scan.hasRawSecrets() ? Cli.EXIT_FAILURE : 0;
	}

	private String usageProblem() {
		if (yes && !fix) {
			return "--yes goes with --fix.";
		}
		if (undo && (fix || !paths.isEmpty())) {
			return "--undo takes nothing else: it puts back the files of the last --fix.";
		}
		for (Path p : paths) {
			if (!Files.exists(p)) {
				return "'" + p + "' does not exist. Give folders (or files) to search for .env files.";
			}
		}
		return null;
	}

	static Map<String, Object> findingJson(Finding f) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("file", f.file().toString());
		m.put("line", f.line());
		m.put("kind", f.kind());
		m.put("provider", f.provider());
		m.put("fingerprint", f.fingerprint());
		m.put("preview", f.preview());
		m.put("variable", f.variable());
		m.put("consumer", f.consumer().label());
		m.put("in_comment", f.inComment());
		m.put("note", f.note());
		return m;
	}

	private void printScan(ScanResult scan, Path home) {
		var out = ctx().out();
		Map<String, Object> s = scan.summary();
		if (scan.findings().isEmpty()) {
			out.printf("No raw keys found in %d files.%n", scan.filesScanned().size());
		} else {
			out.printf("Found %s raw key(s) in %s file(s), %d place(s) in all; %s agent key(s).%n%n", s.get("secrets"), s.get("files_with_secrets"),
					scan.findings().size(), s.get("agent_keys"));
			List<List<String>> rows = new ArrayList<>();
			for (List<Finding> group : scan.bySecret().values()) {
				boolean first = true;
				for (Finding f : group) {
					rows.add(List.of(first ? f.fingerprint() : "", first ? f.preview() : "", first ? String.valueOf(f.provider() == null ? "?" : f.provider()) : "",
							first ? f.kind() : "", shortPath(f.file(), home) + ":" + f.line(), where(f)));
					first = false;
				}
			}
			Output.printTable(out, List.of("FINGERPRINT", "PREVIEW", "PROVIDER", "KIND", "FILE:LINE", "WHERE"), rows);
		}
		printProblems(scan, home);
		if (scan.hasRawSecrets()) {
			out.println();
			out.println("Move them behind the broker: amk doctor --fix (asks before each file; amk doctor --undo puts the files back).");
		}
		out.flush();
	}

	private static String where(Finding f) {
		String where = f.consumer().mcpServer() != null ? "MCP server '" + f.consumer().mcpServer() + "'" : f.consumer().label();
		if (f.variable() != null) {
			where += ", " + f.variable();
		}
		return f.note() == null ? where : where + " (" + f.note() + ")";
	}

	private void printProblems(ScanResult scan, Path home) {
		for (ScanResult.Problem p : scan.problems()) {
			ctx().out().printf("Could not read %s: %s%n", shortPath(p.file(), home), p.reason());
		}
	}

	static String shortPath(Path file, Path home) {
		return file.startsWith(home) ? "~/" + home.relativize(file) : file.toString();
	}

	// --- fix ---

	private int fix(ScanResult scan, Path home) {
		Optional<Integer> running = BrokerFile.runningPort(ctx().dataDir());
		int port = running.orElseGet(ctx()::expectedPort);
		DoctorFix doctor = ctx().doctorFix(port, running.map(BrokerCheck::onPort).orElse(null));
		DoctorFix.Plan plan = doctor.plan(scan);
		BufferedReader answers = new BufferedReader(new InputStreamReader(ctx().in(), StandardCharsets.UTF_8));
		var prompt = json() ? ctx().err() : ctx().out();
		DoctorFix.Outcome outcome = doctor.apply(scan, plan, fp -> {
			describe(prompt, fp, home);
			if (yes) {
				return true;
			}
			prompt.printf("Rewrite %s? [y/N] ", shortPath(fp.file(), home));
			prompt.flush();
			try {
				String answer = answers.readLine();
				return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
			} catch (IOException e) {
				return false;
			}
		});
		if (json()) {
			Output.printJson(ctx().out(), fixJson(outcome));
		} else {
			printOutcome(outcome, home);
		}
		return outcome.anyFailed() ? Cli.EXIT_FAILURE : 0;
	}

	private static void describe(java.io.PrintWriter out, DoctorFix.FilePlan fp, Path home) {
		out.printf("%n%s%n", shortPath(fp.file(), home));
		for (DoctorFix.Change c : fp.changes()) {
			out.printf("  line %d %s (%s) -> connection '%s'%s, agent '%s'; sets %s=%s%n", c.finding().line(), c.finding().variable(),
					c.finding().preview(), c.connection(), c.newConnection() ? " (new)" : "", c.agent(), c.baseVariable(), c.baseUrl());
		}
		out.flush();
	}

	private void printOutcome(DoctorFix.Outcome o, Path home) {
		var out = ctx().out();
		out.println();
		for (DoctorFix.FileOutcome f : o.files()) {
			String backup = f.backup() == null ? "" : " (backup: " + shortPath(f.backup(), home) + ")";
			out.printf("%s %s%s: %s%n", switch (f.status()) {
				case WRITTEN -> "Rewrote";
				case DECLINED -> "Skipped";
				case FAILED -> "Did not change";
			}, shortPath(f.file(), home), backup, f.check());
		}
		if (!o.connectionsCreated().isEmpty()) {
			out.printf("New connections (keys now in the keychain): %s%n", String.join(", ", o.connectionsCreated()));
		}
		if (!o.agentsCreated().isEmpty()) {
			out.printf("New agents, one per program: %s (see 'amk agent list')%n", String.join(", ", o.agentsCreated()));
		}
		if (!o.left().isEmpty()) {
			out.println();
			out.println("Left as they are:");
			for (DoctorFix.Left l : o.left()) {
				out.printf("  %s:%d %s: %s%n", shortPath(l.finding().file(), home), l.finding().line(), l.finding().preview(), l.reason());
			}
		}
		if (!o.rotate().isEmpty()) {
			out.println();
			out.println("Rotate these keys at their providers: they sat in plain files (the backups still hold them; delete those once done).");
			for (DoctorFix.Rotation r : o.rotate()) {
				String then = r.connection() == null ? "" : ", then: amk connection set-secret " + r.connection();
				out.printf("  %s (%s) %s%s%n", r.preview(), r.provider() == null ? "unknown provider" : r.provider(),
						r.link() == null ? "at its provider" : r.link(), then);
			}
		}
		if (o.files().stream().anyMatch(f -> f.status() == DoctorFix.Status.WRITTEN)) {
			out.println();
			out.println("Restart the programs whose files changed. To put the files back: amk doctor --undo");
		}
		out.flush();
	}

	private static Map<String, Object> fixJson(DoctorFix.Outcome o) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("files", o.files().stream().map(f -> {
			Map<String, Object> j = new LinkedHashMap<>();
			j.put("file", f.file().toString());
			j.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
			j.put("backup", f.backup() == null ? null : f.backup().toString());
			j.put("check", f.check());
			j.put("changes", f.changes().stream().map(c -> {
				Map<String, Object> cj = new LinkedHashMap<>();
				cj.put("line", c.finding().line());
				cj.put("variable", c.finding().variable());
				cj.put("fingerprint", c.finding().fingerprint());
				cj.put("connection", c.connection());
				cj.put("new_connection", c.newConnection());
				cj.put("agent", c.agent());
				cj.put("base_variable", c.baseVariable());
				cj.put("base_url", c.baseUrl());
				return cj;
			}).toList());
			return j;
		}).toList());
		m.put("left", o.left().stream().map(l -> {
			Map<String, Object> j = findingJson(l.finding());
			j.put("reason", l.reason());
			return j;
		}).toList());
		m.put("rotate", o.rotate().stream().map(r -> {
			Map<String, Object> j = new LinkedHashMap<>();
			j.put("fingerprint", r.fingerprint());
			j.put("preview", r.preview());
			j.put("provider", r.provider());
			j.put("link", r.link());
			j.put("connection", r.connection());
			return j;
		}).toList());
		m.put("connections_created", o.connectionsCreated());
		m.put("agents_created", o.agentsCreated());
		return m;
	}

	// --- undo ---

	private int undo(Path home) {
		DoctorFix doctor = ctx().doctorFix(0, null);
		DoctorFix.UndoOutcome u = doctor.undo();
		if (json()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("restored", u.restored().stream().map(Path::toString).toList());
			m.put("skipped", u.skipped());
			m.put("agents_deleted", u.agentsDeleted());
			m.put("connections_kept", u.connectionsKept());
			Output.printJson(ctx().out(), m);
		} else {
			var out = ctx().out();
			u.restored().forEach(p -> out.printf("Restored %s from its backup.%n", shortPath(p, home)));
			u.skipped().forEach(s -> out.printf("Skipped: %s%n", s));
			if (!u.agentsDeleted().isEmpty()) {
				out.printf("Deleted the agents the fix made: %s%n", String.join(", ", u.agentsDeleted()));
			}
			if (!u.connectionsKept().isEmpty()) {
				out.printf("The connections it made stay, with their keys in the keychain: %s (remove with 'amk connection remove NAME')%n",
						String.join(", ", u.connectionsKept()));
			}
			out.flush();
		}
		return u.skipped().isEmpty() ? 0 : Cli.EXIT_FAILURE;
	}
}
