package dev.amk.common;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host name or a {@code *.} wildcard as a person writes it for {@code --host-map} and {@code --allow-host}:
 * {@code api.openai.com}, {@code *.npmjs.org}. Only DNS names: an IP literal, {@code localhost} or a name that
 * resolvers read as a number is refused, because a pattern is a promise about which service a request reaches,
 * and an address says nothing about that (169.254.169.254 is a cloud's metadata service, 127.0.0.1 this machine).
 *
 * @param pattern lower case, without a trailing dot
 */
public record HostPattern(String pattern) {
	private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
	private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:0x[0-9a-f]*|[0-9]+)");

	/**
	 * @param field the option the pattern came from, named in the refusal
	 * @throws InvalidInput for anything but a DNS name or {@code *.} followed by one with at least two labels
	 */
	public static HostPattern parse(InvalidInput.Field field, String text) {
		String shown = text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "…" : text;
		String p = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
		if (p.endsWith(".")) {
			p = p.substring(0, p.length() - 1);
		}
		boolean wildcard = p.startsWith("*.");
		String name = wildcard ? p.substring(2) : p;
		String[] labels = name.split("\\.", -1);
		boolean valid = !name.isEmpty() && name.length() <= 253 && java.util.Arrays.stream(labels).allMatch(l -> LABEL.matcher(l).matches());
		if (!valid) {
			throw new InvalidInput(field, InvalidInput.Problem.MALFORMED, w -> "'" + shown + "' is not a host name or *.domain pattern for "
					+ w.name(field) + " (for example api.example.com or *.example.com; no scheme, port or path).");
		}
		if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches() || name.equals("localhost") || name.endsWith(".localhost")) {
			throw new InvalidInput(field, InvalidInput.Problem.UNSAFE, w -> "'" + shown + "' names an address or this machine; " + w.name(field)
					+ " takes host names of services elsewhere only (the broker never opens loopback, link-local or IP-literal hosts).");
		}
		if (wildcard && labels.length < 2) {
			throw new InvalidInput(field, InvalidInput.Problem.UNSAFE, w -> "'" + shown + "' would match a whole top-level domain; give at least"
					+ " two labels after *. in " + w.name(field) + ".");
		}
		return new HostPattern(p);
	}

	public boolean isWildcard() {
		return pattern.startsWith("*.");
	}

	/** Whether {@code host} (lower case, no port, no trailing dot) is matched: {@code *.x.com} matches {@code a.x.com}, not {@code x.com}. */
	public boolean matches(String host) {
		return isWildcard() ? host.length() > pattern.length() - 1 && host.endsWith(pattern.substring(1)) : host.equals(pattern);
	}

	@Override
	public String toString() {
		return pattern;
	}
}
