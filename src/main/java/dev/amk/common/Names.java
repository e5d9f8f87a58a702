package dev.amk.common;

import java.util.regex.Pattern;

/** Names a person chooses for connections and agents. Connection names are URL path segments, so both are kept plain. */
public final class Names {
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private Names() {
	}

	public static boolean isValid(String name) {
		return name != null && NAME.matcher(name).matches();
	}

	/** The name of a connection or agent ({@code kind}), as typed in the name field. */
	public static String requireValid(String kind, String name) {
		return requireValid(InvalidInput.Field.NAME, kind, name);
	}

	/** A name typed as part of another field, such as the connection of a grant. */
	public static String requireValid(InvalidInput.Field field, String kind, String name) {
		if (!isValid(name)) {
			String rule = "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.";
			if (name == null || name.isBlank()) {
				throw new InvalidInput(field, InvalidInput.Problem.MISSING, "Give the " + kind + " a name. " + rule);
			}
			throw new InvalidInput(field, InvalidInput.Problem.MALFORMED, "'" + name + "' is not a usable " + kind + " name. " + rule);
		}
		return name;
	}
}
