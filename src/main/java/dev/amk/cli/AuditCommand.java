package dev.amk.cli;

import dev.amk.audit.AuditEvent;
import dev.amk.audit.AuditStore;
import dev.amk.common.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** {@code amk audit}: who did what, newest first, or followed live. */
@Command(name = "audit", description = "Show the audit log: every proxied request, allowed or denied.")
final class AuditCommand extends AmkCommand.Leaf {
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

	@Option(names = "--agent", paramLabel = "NAME", description = "Only this agent's requests.")
	String agent;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "How many rows (default ${DEFAULT-VALUE}).")
	int limit;

	@Option(names = "--follow", description = "Keep printing new rows as they arrive (Ctrl+C stops); with --limit N, the last N rows first.")
	boolean follow;

	@Override
	public Integer call() {
		if (limit < 1) {
			throw dev.amk.common.AmkException.invalid("--limit must be at least 1.");
		}
		AuditStore store = ctx().audit();
		PrintWriter out = ctx().out();
		if (follow) {
			follow(store, out);
			return 0;
		}
		List<AuditEvent> rows = store.recent(agent, limit);
		if (json()) {
			Output.printJson(out, rows.stream().map(AuditEvent::toJson).toList());
		} else if (rows.isEmpty()) {
			out.println(agent == null ? "No requests yet." : "No requests from '" + agent + "' yet.");
			out.flush();
		} else {
			printTable(out, rows);
		}
		return 0;
	}

	private void follow(AuditStore store, PrintWriter out) {
		long last = store.latestId();
		if (!json()) {
			out.println("Following the audit log (times in UTC); Ctrl+C stops.");
			out.flush();
		}
		if (spec.commandLine().getParseResult().hasMatchedOption("--limit")) {
			// Like tail -f -n N: the last N rows first, oldest first, then what arrives.
			List<AuditEvent> recent = store.recent(agent, limit);
			for (int i = recent.size() - 1; i >= 0; i--) {
				out.println(json() ? Json.write(recent.get(i).toJson()) : line(recent.get(i)));
				last = Math.max(last, recent.get(i).id());
			}
			out.flush();
		}
		while (!Thread.currentThread().isInterrupted() && !out.checkError()) {
			List<AuditEvent> rows = store.after(last, agent, 1000);
			for (AuditEvent e : rows) {
				out.println(json() ? Json.write(e.toJson()) : line(e));
				last = e.id();
			}
			out.flush();
			if (rows.isEmpty()) {
				LockSupport.parkNanos(200_000_000L);
			}
		}
	}

	private static void printTable(PrintWriter out, List<AuditEvent> rows) {
		Output.printTable(out, List.of("TIME (UTC)", "AGENT", "CONNECTION", "METHOD", "PATH", "STATUS", "DECISION", "MS"), rows.stream()
				.map(e -> List.of(TIME.format(e.time()), orDash(e.agent()), orDash(e.connection()), orDash(e.method()), orDash(e.path()),
						String.valueOf(e.status()), e.reason() == null ? e.decision().wire() : e.decision().wire() + " (" + e.reason() + ")",
						String.valueOf(e.latencyMs())))
				.toList());
	}

	private static String line(AuditEvent e) {
		return String.join("  ", TIME.format(e.time()), orDash(e.agent()), orDash(e.connection()), orDash(e.method()), orDash(e.path()),
				String.valueOf(e.status()), e.reason() == null ? e.decision().wire() : e.decision().wire() + " (" + e.reason() + ")", e.latencyMs() + " ms");
	}

	private static String orDash(String s) {
		return s == null ? "-" : s;
	}
}
