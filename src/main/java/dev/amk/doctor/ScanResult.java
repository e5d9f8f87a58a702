package dev.amk.doctor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scan found. The secrets themselves are kept only for {@link DoctorFix} (by fingerprint) and never
 * appear in {@link #toString()}, the findings or the summary.
 */
public final class ScanResult {
	/** A file that could not be read, and why (for a person: "permission denied"). */
	public record Problem(Path file, String reason) {
	}

	private final List<Finding> findings;
	private final List<Path> filesScanned;
	private final List<Problem> problems;
	private final Map<String, String> secretsByFingerprint;

	ScanResult(List<Finding> findings, List<Path> filesScanned, List<Problem> problems, Map<String, String> secretsByFingerprint) {
		this.findings = List.copyOf(findings);
		this.filesScanned = List.copyOf(filesScanned);
		this.problems = List.copyOf(problems);
		this.secretsByFingerprint = Map.copyOf(secretsByFingerprint);
	}

	public List<Finding> findings() {
		return findings;
	}

	public List<Path> filesScanned() {
		return filesScanned;
	}

	public List<Problem> problems() {
		return problems;
	}

	/** True when at least one raw credential (not an agent key) was found: the command's exit 1. */
	public boolean hasRawSecrets() {
		return findings.stream().anyMatch(Finding::isRawSecret);
	}

	/** The findings grouped by secret, in the order each secret was first met. */
	public Map<String, List<Finding>> bySecret() {
		Map<String, List<Finding>> groups = new LinkedHashMap<>();
		for (Finding f : findings) {
			groups.computeIfAbsent(f.fingerprint(), k -> new java.util.ArrayList<>()).add(f);
		}
		return groups;
	}

	/** The contract's {@code summary} object. */
	public Map<String, Object> summary() {
		Set<String> raw = new TreeSet<>();
		Set<String> agentKeys = new TreeSet<>();
		Set<Path> files = new TreeSet<>();
		for (Finding f : findings) {
			(f.isRawSecret() ? raw : agentKeys).add(f.fingerprint());
			if (f.isRawSecret()) {
				files.add(f.file());
			}
		}
		Map<String, Object> s = new LinkedHashMap<>();
		s.put("files_scanned", filesScanned.size());
		s.put("findings", findings.size());
		s.put("secrets", raw.size());
		s.put("files_with_secrets", files.size());
		s.put("agent_keys", agentKeys.size());
		s.put("unreadable", problems.stream().map(p -> {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("file", p.file().toString());
			m.put("reason", p.reason());
			return m;
		}).toList());
		return s;
	}

	/** The secret a fingerprint names; for the fix only. */
	String secret(String fingerprint) {
		return secretsByFingerprint.get(fingerprint);
	}

	@Override
	public String toString() {
		return "ScanResult[" + findings.size() + " findings in " + filesScanned.size() + " files]";
	}
}
