package dev.amk.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff for a person to read ({@code -} removed, {@code +} added, two lines of context), from a longest common
 * subsequence: configuration files are small. Files over {@link #MAX_LINES} lines are summarised instead.
 */
final class LineDiff {
	static final int MAX_LINES = 4000;
	private static final int CONTEXT = 2;

	private LineDiff() {
	}

	static String of(String before, String after) {
		List<String> a = before.isEmpty() ? List.of() : before.lines().toList();
		List<String> b = after.isEmpty() ? List.of() : after.lines().toList();
		if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
			return "(" + a.size() + " lines before, " + b.size() + " after; too long to show)\n";
		}
		int[][] lcs = new int[a.size() + 1][b.size() + 1];
		for (int i = a.size() - 1; i >= 0; i--) {
			for (int j = b.size() - 1; j >= 0; j--) {
				lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
			}
		}
		List<String> lines = new ArrayList<>();
		int i = 0;
		int j = 0;
		while (i < a.size() || j < b.size()) {
			if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
				lines.add("  " + a.get(i));
				i++;
				j++;
			} else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
				lines.add("+ " + b.get(j++));
			} else {
				lines.add("- " + a.get(i++));
			}
		}
		StringBuilder out = new StringBuilder();
		int lastShown = -1;
		for (int k = 0; k < lines.size(); k++) {
			boolean near = false;
			for (int d = -CONTEXT; d <= CONTEXT && !near; d++) {
				int n = k + d;
				near = n >= 0 && n < lines.size() && !lines.get(n).startsWith("  ");
			}
			if (near) {
				if (lastShown >= 0 && k > lastShown + 1) {
					out.append("  …\n");
				}
				out.append(lines.get(k)).append('\n');
				lastShown = k;
			}
		}
		return out.toString();
	}
}
