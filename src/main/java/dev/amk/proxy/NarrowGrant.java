package dev.amk.proxy;

import dev.amk.agents.GrantRule;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import java.util.List;
import java.util.Set;

/**
 * A grant narrower than the whole connection (read-only, some methods, some paths) is checked on the method
 * and path the broker sees; some upstreams then act on another method or path than that. Such requests are
 * refused rather than stripped, so that the agent learns why:
 * <ul>
 * <li>headers and a query parameter that frameworks use to override the method ({@code X-HTTP-Method-Override},
 *     {@code ?_method=}) or the path and host ({@code X-Original-URL}, {@code X-Forwarded-Host}, {@code Forwarded});
 * <li>path segments that some servers normalise after the check: still percent-encoded after decoding (double
 *     encoding), dot look-alikes (fullwidth and other dots), a leading {@code ..} with anything after it
 *     ({@code ...}, {@code ..;}, {@code ..%20}), trailing dots or spaces, control characters.
 * </ul>
 * A full grant may reach every path with every method anyway: nothing is checked, and nothing is allocated.
 */
final class NarrowGrant {
	private static final Set<String> OVERRIDING_HEADERS = Set.of("x-http-method-override", "x-http-method", "x-method-override",
			"x-original-url", "x-rewrite-url", "x-original-method", "x-forwarded-host", "x-forwarded-prefix", "x-forwarded-path", "forwarded",
			"x-host");
	private static final String METHOD_PARAMETER = "_method";

	private NarrowGrant() {
	}

	static void check(GrantRule rule, HttpFields headers, List<QueryParameter> query, List<String> segments) throws Refused {
		if (rule.preset() == GrantRule.Preset.FULL) {
			return;
		}
		for (HttpField field : headers) {
			if (OVERRIDING_HEADERS.contains(field.getLowerCaseName())) {
				throw refused("the " + field.getName() + " header, which makes some servers act on another method, path or host than the"
						+ " one the grant was checked against. Send the real method and path instead");
			}
		}
		for (QueryParameter p : query) {
			if (p.decodedName().equalsIgnoreCase(METHOD_PARAMETER)) {
				throw refused("the _method query parameter, which makes some servers act on another method. Send the real method instead");
			}
		}
		for (String segment : segments) {
			if (ambiguous(segment)) {
				throw refused("a path segment that some servers read as another path (double-encoded characters, look-alike dots, '..'"
						+ " with something after it, or trailing dots or spaces). Send the plain path");
			}
		}
	}

	private static Refused refused(String what) {
		return Refused.of(ErrorType.SCOPE_DENIED, "On a grant limited to some methods or paths, the broker refuses " + what + ".");
	}

	/** @param segment a decoded path segment */
	static boolean ambiguous(String segment) {
		if (segment.isEmpty()) {
			return false;
		}
		if (segment.startsWith("..")) {
			return true; // ".." itself never gets here (RequestTarget); anything longer is "..." or ".." plus junk
		}
		char last = segment.charAt(segment.length() - 1);
		if (last == '.' || Character.isWhitespace(last) || Character.isSpaceChar(last)) {
			return true;
		}
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			if (c < 0x20 || c == 0x7f || c == '\uFF0E' || c == '\u2024' || c == '\uFE52' || c == '\u3002' || c == '\uFF61'
					|| (c == '%' && i + 2 < segment.length() && isHex(segment.charAt(i + 1)) && isHex(segment.charAt(i + 2)))) {
				return true;
			}
		}
		return false;
	}

	private static boolean isHex(char c) {
		return Character.digit(c, 16) >= 0;
	}
}
