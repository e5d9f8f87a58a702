package dev.amk.ca;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which names the local CA puts in a certificate: DNS host names in their ASCII form (IDNs arrive as
 * {@code xn--} A-labels, which is how clients send SNI), letters, digits and hyphens, at most 253
 * characters with labels of 1 to 63. Everything else is refused rather than repaired, because a leaf for
 * an IP literal or a wildcard would let one intercepted tunnel stand for hosts nobody granted.
 */
public final class HostNames {
	static final int MAX_LENGTH = 253;
	private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
	/** A last label of digits (or 0x… hex) makes resolvers read the whole name as an IPv4 address ("127.1", "0x7f.1"). */
	private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:0x[0-9a-f]*|[0-9]+)");

	private HostNames() {
	}

	/**
	 * The name in the form the CA signs it: lower case, without a trailing dot.
	 *
	 * @throws InvalidHostException for an empty name, an IP literal, a wildcard, an overlong or otherwise invalid name
	 */
	public static String requireDnsName(String host) {
		if (host == null || host.isBlank()) {
			throw new InvalidHostException(InvalidHostException.Reason.EMPTY, "No host name was given, so no certificate can be issued.");
		}
		String shown = host.length() > 80 ? host.substring(0, 80) + "…" : host;
		if (host.indexOf(':') >= 0 || host.startsWith("[")) {
			throw ipLiteral(shown);
		}
		String name = host.toLowerCase(Locale.ROOT);
		if (name.endsWith(".")) {
			name = name.substring(0, name.length() - 1); // the absolute form of the same name
		}
		if (name.indexOf('*') >= 0) {
			throw new InvalidHostException(InvalidHostException.Reason.WILDCARD, "'" + shown + "' is a wildcard: the local CA issues"
					+ " certificates only for single host names, so that each intercepted host was granted by name.");
		}
		if (name.length() > MAX_LENGTH) {
			throw new InvalidHostException(InvalidHostException.Reason.TOO_LONG, "'" + shown + "' is longer than the " + MAX_LENGTH
					+ " characters a DNS name can have.");
		}
		String[] labels = name.split("\\.", -1);
		if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
			throw ipLiteral(shown);
		}
		for (String label : labels) {
			if (!LABEL.matcher(label).matches()) {
				throw new InvalidHostException(InvalidHostException.Reason.INVALID, "'" + shown + "' is not a valid DNS host name (labels of"
						+ " 1 to 63 letters, digits or inner hyphens, separated by dots; international names in their xn-- form).");
			}
		}
		return name;
	}

	/** True when {@link #requireDnsName} would accept the name. */
	public static boolean isDnsName(String host) {
		try {
			requireDnsName(host);
			return true;
		} catch (InvalidHostException e) {
			return false;
		}
	}

	private static InvalidHostException ipLiteral(String shown) {
		return new InvalidHostException(InvalidHostException.Reason.IP_LITERAL, "'" + shown + "' is an IP address: the local CA issues"
				+ " certificates only for host names. Connect by the service's host name.");
	}
}
