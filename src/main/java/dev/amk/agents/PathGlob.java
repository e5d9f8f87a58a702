package dev.amk.agents;

import dev.amk.common.InvalidInput;

import java.util.List;

/**
 * A path pattern in a grant: segments separated by '/', where {@code *} matches one whole segment,
 * a segment such as {@code v1*} matches by prefix, and a final {@code **} matches any number of segments
 * (zero included). Matching is on decoded segments, after the proxy has refused dot segments and encoded
 * slashes, so that what is matched is exactly what the upstream will see.
 */
public record PathGlob(String pattern, List<String> segments) {
	public static final PathGlob EVERYTHING = parse("/**");

	public static PathGlob parse(String pattern) {
		if (pattern == null || !pattern.startsWith("/")) {
			throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "A path rule must start with '/', for example /v1/chat/** ; got '" + pattern + "'.");
		}
		List<String> segs = List.of(pattern.substring(1).split("/", -1));
		for (int i = 0; i < segs.size(); i++) {
			String s = segs.get(i);
			if (s.equals("**") && i != segs.size() - 1) {
				throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "'**' may only end a path rule ('" + pattern + "').");
			}
			if (s.equals(".") || s.equals("..")) {
				throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "A path rule cannot contain '.' or '..' ('" + pattern + "').");
			}
			if (s.contains("**") && !s.equals("**")) {
				throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "'**' must be a whole segment ('" + pattern + "').");
			}
			if (!s.equals("**") && s.indexOf('*') != s.lastIndexOf('*')) {
				throw new InvalidInput(InvalidInput.Field.PATHS, InvalidInput.Problem.MALFORMED, "A path segment may hold one '*' ('" + pattern + "'); use '*' alone for any segment.");
			}
		}
		return new PathGlob(pattern, segs);
	}

	/** {@code path} is the decoded path after the connection segment, split on '/', without the leading empty segment. */
	public boolean matches(List<String> path) {
		int n = segments.size();
		boolean tailWildcard = segments.get(n - 1).equals("**");
		int fixed = tailWildcard ? n - 1 : n;
		if (tailWildcard ? path.size() < fixed : path.size() != fixed) {
			return false;
		}
		for (int i = 0; i < fixed; i++) {
			if (!segmentMatches(segments.get(i), path.get(i))) {
				return false;
			}
		}
		return true;
	}

	private static boolean segmentMatches(String pattern, String segment) {
		if (pattern.equals("*")) {
			return true;
		}
		int star = pattern.indexOf('*');
		if (star < 0) {
			return pattern.equals(segment);
		}
		String head = pattern.substring(0, star);
		String tail = pattern.substring(star + 1);
		if (tail.contains("*")) {
			throw new IllegalStateException("one '*' per segment");
		}
		return segment.length() >= head.length() + tail.length() && segment.startsWith(head) && segment.endsWith(tail);
	}
}
