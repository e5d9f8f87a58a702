package dev.amk.cli;

import dev.amk.common.Json;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The {@code --json} switch every command takes, and plain-text table printing for people. */
public final class Output {
	@Option(names = "--json", description = "Machine-readable JSON on stdout.")
	boolean json;

	public boolean json() {
		return json;
	}

	static void printJson(PrintWriter out, Object value) {
		out.println(Json.writePretty(value));
		out.flush();
	}

	/** Left-aligned columns, two spaces apart. */
	static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
		List<List<String>> all = new ArrayList<>();
		all.add(header);
		all.addAll(rows);
		int[] widths = new int[header.size()];
		for (List<String> row : all) {
			for (int i = 0; i < row.size(); i++) {
				widths[i] = Math.max(widths[i], row.get(i) == null ? 0 : row.get(i).length());
			}
		}
		for (List<String> row : all) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.size(); i++) {
				String cell = row.get(i) == null ? "" : row.get(i);
				line.append(cell);
				if (i < row.size() - 1) {
					line.append(" ".repeat(widths[i] - cell.length() + 2));
				}
			}
			out.println(line.toString().stripTrailing());
		}
		out.flush();
	}
}
