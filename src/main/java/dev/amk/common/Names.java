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

	public static String requireValid(String kind, String name) {
		if (!isValid(name)) {
			throw AmkException.invalid("'" + name + "' is not a usable " + kind + " name. Use 1-64 letters, digits, '.', '_' or '-',"
					+ " starting with a letter or digit.");
		}
		return name;
	}
}
