package dev.amk.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One {@code name=value} pair of a raw query string, kept in its original encoding for forwarding. */
record QueryParameter(String raw, String decodedName, String decodedValue) {

	static List<QueryParameter> parse(String rawQuery) {
		List<QueryParameter> result = new ArrayList<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return result;
		}
		for (String part : rawQuery.split("&", -1)) {
			int eq = part.indexOf('=');
			String name = eq < 0 ? part : part.substring(0, eq);
			String value = eq < 0 ? "" : part.substring(eq + 1);
			result.add(new QueryParameter(part, decode(name), decode(value)));
		}
		return result;
	}

	static String join(List<QueryParameter> parameters) {
		return parameters.isEmpty() ? null : String.join("&", parameters.stream().map(QueryParameter::raw).toList());
	}

	private static String decode(String s) {
		try {
			return URLDecoder.decode(s, StandardCharsets.UTF_8);
		} catch (IllegalArgumentException e) {
			return s; // malformed escapes: keep raw; it will not match a key or parameter name
		}
	}
}
