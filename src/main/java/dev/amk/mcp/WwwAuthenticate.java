package dev.amk.mcp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a {@code Bearer} challenge in a {@code WWW-Authenticate} header (RFC 6750 §3, RFC 9110 §11.6.1):
 * {@code Bearer resource_metadata="https://…", scope="a b", error="invalid_token"}. Values are tokens or quoted strings
 * with backslash escapes. Other schemes in the same header are skipped.
 */
final class WwwAuthenticate {
	private WwwAuthenticate() {
	}

	static Map<String, String> bearerParameters(String header) {
		Map<String, String> params = new LinkedHashMap<>();
		if (header == null) {
			return params;
		}
		int i = 0;
		int n = header.length();
		boolean inBearer = false;
		while (i < n) {
			while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',' || header.charAt(i) == '\t')) {
				i++;
			}
			int start = i;
			while (i < n && header.charAt(i) != '=' && header.charAt(i) != ' ' && header.charAt(i) != ',') {
				i++;
			}
			String word = header.substring(start, i);
			if (word.isEmpty()) {
				break;
			}
			int j = i;
			while (j < n && header.charAt(j) == ' ') {
				j++;
			}
			if (j >= n || header.charAt(j) != '=' || (j + 1 < n && header.charAt(j + 1) == '=')) {
				inBearer = word.equalsIgnoreCase("Bearer"); // a new scheme begins (token68 values are skipped the same way)
				i = j;
				continue;
			}
			i = j + 1;
			while (i < n && header.charAt(i) == ' ') {
				i++;
			}
			StringBuilder value = new StringBuilder();
			if (i < n && header.charAt(i) == '"') {
				i++;
				while (i < n && header.charAt(i) != '"') {
					if (header.charAt(i) == '\\' && i + 1 < n) {
						i++;
					}
					value.append(header.charAt(i++));
				}
				i++;
			} else {
				while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
					value.append(header.charAt(i++));
				}
			}
			if (inBearer) {
				params.putIfAbsent(word.toLowerCase(Locale.ROOT), value.toString());
			}
		}
		return params;
	}
}
