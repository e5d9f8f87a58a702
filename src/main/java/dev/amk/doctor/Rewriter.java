package dev.amk.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites one assignment of a raw key so that its consumer goes through the broker: the key becomes the
 * agent's key, and the consumer's base-URL variable is set just before it, written the way the key was
 * (same indentation, {@code export}, quotes and key quoting). Every other byte of the file is kept.
 */
final class Rewriter {
	/** One key to replace: on {@code line} (1-based), {@code variable} holds {@code secret}. */
	record Edit(int line, String variable, String secret, String agentKey, String baseVariable, String baseUrl) {
	}

	/** The assignment could not be rewritten safely; the message says why, without the secret. */
	static final class Unsupported extends Exception {
		Unsupported(String message) {
			super(message);
		}
	}

	private Rewriter() {
	}

	static String apply(String text, FileFormat format, List<Edit> edits) throws Unsupported {
		List<String> lines = splitKeepingEnds(text);
		List<Edit> bottomUp = new ArrayList<>(edits);
		// From the bottom up, so an inserted line never moves a later edit's line.
		bottomUp.sort(Comparator.comparingInt(Edit::line).reversed());
		for (Edit e : bottomUp) {
			if (e.line() < 1 || e.line() > lines.size()) {
				throw new Unsupported("line " + e.line() + " is not in the file any more");
			}
			String line = lines.get(e.line() - 1);
			if (!line.contains(e.secret())) {
				throw new Unsupported(e.variable() + " on line " + e.line() + " no longer holds the key found");
			}
			List<String> replacement = switch (format) {
				case SHELL, DOTENV -> shell(line, e);
				case JSON -> structured(line, e, "\"", "\\s*:\\s*", ", ", ",");
				case TOML -> structured(line, e, "\"?", "\\s*=\\s*", ", ", "");
				default -> throw new Unsupported(format + " files are not rewritten");
			};
			lines.remove(e.line() - 1);
			lines.addAll(e.line() - 1, replacement);
		}
		return String.join("", lines);
	}

	/** {@code export VAR="secret"} → {@code export BASE="url"} on a line of its own above {@code export VAR="amk_…"}. */
	private static List<String> shell(String line, Edit e) throws Unsupported {
		int name = indexOfWord(line, e.variable());
		int secret = name < 0 ? -1 : line.indexOf(e.secret(), name + e.variable().length());
		if (secret < 0) {
			throw new Unsupported(e.variable() + " on line " + e.line() + " no longer holds the key found");
		}
		String body = stripEnd(line);
		String end = line.substring(body.length());
		String base = body.substring(0, name) + e.baseVariable() + body.substring(name + e.variable().length(), secret) + e.baseUrl()
				+ body.substring(secret + e.secret().length());
		String keyed = body.substring(0, secret) + e.agentKey() + body.substring(secret + e.secret().length());
		return List.of(base + (end.isEmpty() ? "\n" : end), keyed + end);
	}

	/**
	 * JSON and TOML: {@code "VAR": "secret"}. When the member has the line to itself the base URL goes on a new
	 * line above it with the same indentation; inside an inline object it goes just before it, on the same line.
	 */
	private static List<String> structured(String line, Edit e, String keyQuote, String separator, String inlineJoin, String memberEnd)
			throws Unsupported {
		Pattern member = Pattern.compile("(" + keyQuote + ")" + Pattern.quote(e.variable()) + "\\1(" + separator + ")([\"'])"
				+ Pattern.quote(e.secret()) + "\\3");
		Matcher m = member.matcher(line);
		if (!m.find()) {
			throw new Unsupported(e.variable() + " on line " + e.line() + " is not a plain string member that can be rewritten");
		}
		String q = m.group(1);
		String sep = m.group(2);
		String vq = m.group(3);
		String baseMember = q + e.baseVariable() + q + sep + vq + e.baseUrl() + vq;
		String keyMember = q + e.variable() + q + sep + vq + e.agentKey() + vq;
		String before = line.substring(0, m.start());
		String after = line.substring(m.end());
		String body = stripEnd(line);
		String end = line.substring(body.length());
		boolean alone = before.isBlank() && (after.strip().isEmpty() || after.strip().equals(","));
		if (alone) {
			return List.of(before + baseMember + memberEnd + (end.isEmpty() ? "\n" : end), before + keyMember + stripEnd(after) + end);
		}
		return List.of(before + baseMember + inlineJoin + keyMember + after);
	}

	private static int indexOfWord(String line, String word) {
		Matcher m = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(word) + "(?![A-Za-z0-9_])").matcher(line);
		return m.find() ? m.start() : -1;
	}

	private static String stripEnd(String line) {
		int end = line.length();
		while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
			end--;
		}
		return line.substring(0, end);
	}

	private static List<String> splitKeepingEnds(String text) {
		List<String> lines = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				lines.add(text.substring(start, i + 1));
				start = i + 1;
			}
		}
		if (start < text.length()) {
			lines.add(text.substring(start));
		}
		return lines;
	}
}
