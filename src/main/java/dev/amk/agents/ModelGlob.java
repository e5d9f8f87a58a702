package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of an agent's model list: a model name with {@code *} (any run of characters) and {@code ?} (one
 * character), matched against the whole model name, ignoring case ({@code gpt-4o*}, {@code claude-*-haiku-*}).
 * Compiled once, when the registry snapshot is built, so that a request pays for one regex match.
 */
public record ModelGlob(String pattern, Pattern regex) {
	private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:/@*?-]{1,200}");

	public static ModelGlob parse(String glob) {
		String g = glob == null ? "" : glob.strip();
		if (!ALLOWED.matcher(g).matches()) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, "'" + g + "' is not a model glob: use a model name with * and ?, such as"
					+ " gpt-4o* or claude-*-haiku-* (letters, digits, . _ : / @ - only).");
		}
		StringBuilder re = new StringBuilder();
		for (char ch : g.toCharArray()) {
			switch (ch) {
				case '*' -> re.append(".*");
				case '?' -> re.append('.');
				default -> re.append(Pattern.quote(String.valueOf(ch)));
			}
		}
		return new ModelGlob(g, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
	}

	public boolean matches(String model) {
		return regex.matcher(model.toLowerCase(Locale.ROOT)).matches();
	}
}
