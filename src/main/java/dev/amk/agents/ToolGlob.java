package dev.amk.agents;

import dev.amk.common.InvalidInput;

/**
 * One pattern of MCP tool names an agent may call, as in {@code --grant 'docs:tools=search_*,get_page'}: {@code *} stands
 * for any run of characters (none included), everything else must be equal code point by code point. Nothing is
 * normalised or case-folded, on either side: a tool named {@code Delete_Page} or {@code delete_pаge} (a Cyrillic a) is
 * another tool than {@code delete_page}, so a look-alike can never widen a grant, and a grant means exactly what it says.
 */
public record ToolGlob(String pattern) {
	public ToolGlob {
		if (pattern == null || pattern.isEmpty()) {
			throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.MISSING, "A tool pattern is empty. Use names such as search or read_*,"
					+ " separated by commas.");
		}
		if (pattern.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f || c == ',' || Character.isWhitespace(c))) {
			throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.MALFORMED, "The tool pattern '" + pattern.strip()
					+ "' contains spaces, commas or control characters, which no tool name the broker allows has.");
		}
	}

	public static ToolGlob parse(String text) {
		return new ToolGlob(text == null ? null : text.strip());
	}

	/** Whether {@code name} is a tool this pattern grants; a null name (not a string in the request) never is. */
	public boolean matches(String name) {
		return name != null && matches(pattern, 0, name, 0);
	}

	/** Iterative glob match with back-tracking to the last star: linear in practice, never exponential. */
	private static boolean matches(String p, int pi, String s, int si) {
		int star = -1;
		int mark = 0;
		while (si < s.length()) {
			if (pi < p.length() && p.charAt(pi) == '*') {
				star = pi++;
				mark = si;
			} else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
				pi++;
				si++;
			} else if (star >= 0) {
				pi = star + 1;
				si = ++mark;
			} else {
				return false;
			}
		}
		while (pi < p.length() && p.charAt(pi) == '*') {
			pi++;
		}
		return pi == p.length();
	}
}
