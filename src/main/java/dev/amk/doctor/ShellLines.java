package dev.amk.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads variable assignments from shell startup files and {@code .env} files: {@code NAME=value},
 * {@code export NAME="value"}, {@code declare -x}, fish's {@code set -gx NAME value}, csh's {@code setenv};
 * single- and double-quoted values, values that run over several lines inside quotes, and assignments in
 * comments (read, and flagged, since a key in a comment is still on disk).
 */
final class ShellLines {
	private static final Pattern ASSIGNMENT = Pattern.compile(
			"^\\s*(?:(?:export|declare\\s+-x|typeset\\s+-x|local|readonly)\\s+)?([A-Za-z_][A-Za-z0-9_]*)=");
	private static final Pattern SPACED = Pattern.compile("^\\s*(?:set\\s+(?:-[a-zA-Z]+\\s+)*|setenv\\s+)([A-Za-z_][A-Za-z0-9_]*)\\s+");

	private final String text;
	private int pos;
	private int line = 1;
	private final List<Entry> entries = new ArrayList<>();

	ShellLines(String text) {
		this.text = text;
	}

	List<Entry> entries() {
		while (pos < text.length()) {
			statement();
		}
		return entries;
	}

	private void statement() {
		int end = lineEnd(pos);
		String current = text.substring(pos, end);
		String trimmed = current.stripLeading();
		if (trimmed.startsWith("#")) {
			// A commented-out assignment: read within its own line only, a stray quote in a comment must not swallow the file.
			String body = trimmed.substring(1);
			Matcher m = match(body);
			if (m != null) {
				ShellLines inner = new ShellLines(body.substring(m.end()));
				String value = inner.value(true);
				entries.add(new Entry(m.group(1), value, line, List.of(m.group(1)), true, false));
			}
			nextLine(end);
			return;
		}
		Matcher m = match(current);
		if (m == null) {
			nextLine(end);
			return;
		}
		int startLine = line;
		advanceTo(pos + m.end());
		String value = value(false);
		entries.add(new Entry(m.group(1), value, startLine, List.of(m.group(1)), false, false));
		nextLine(lineEnd(pos));
	}

	private static Matcher match(String line) {
		Matcher m = ASSIGNMENT.matcher(line);
		if (m.find()) {
			return m;
		}
		m = SPACED.matcher(line);
		return m.find() ? m : null;
	}

	/** The value at {@code pos}: quoted and unquoted parts joined, as the shell would, up to a blank, ';' or '#'. */
	private String value(boolean singleLine) {
		StringBuilder v = new StringBuilder();
		while (pos < text.length()) {
			char c = text.charAt(pos);
			if (c == '\'' || c == '"') {
				int close = closingQuote(c, pos + 1);
				if (close < 0 || singleLine && text.indexOf('\n', pos) >= 0 && text.indexOf('\n', pos) < close) {
					// unbalanced: take the rest of the line as it is
					int end = lineEnd(pos);
					v.append(text, pos + 1, end);
					advanceTo(end);
					break;
				}
				String inside = text.substring(pos + 1, close);
				v.append(c == '"' ? inside.replace("\\\"", "\"").replace("\\\\", "\\").replace("\\$", "$") : inside);
				advanceTo(close + 1);
			} else if (c == '\n' || c == ' ' || c == '\t' || c == ';' || c == '#' || c == '\r') {
				break;
			} else if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) != '\n') {
				v.append(text.charAt(pos + 1));
				advanceTo(pos + 2);
			} else {
				v.append(c);
				advanceTo(pos + 1);
			}
		}
		return v.toString();
	}

	private int closingQuote(char quote, int from) {
		for (int i = from; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quote == '"' && c == '\\') {
				i++;
			} else if (c == quote) {
				return i;
			}
		}
		return -1;
	}

	private int lineEnd(int from) {
		int nl = text.indexOf('\n', from);
		return nl < 0 ? text.length() : nl;
	}

	/** Moves to {@code to}, counting the line breaks passed. */
	private void advanceTo(int to) {
		for (int i = pos; i < to && i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				line++;
			}
		}
		pos = Math.min(to, text.length());
	}

	/** Moves past the line break at {@code end}, onto the next statement. */
	private void nextLine(int end) {
		advanceTo(end + 1);
	}
}
