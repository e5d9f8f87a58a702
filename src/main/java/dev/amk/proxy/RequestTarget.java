package dev.amk.proxy;

import dev.amk.common.Names;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request path split into the connection name and the rest. The rest is what gets appended to the
 * connection's base URL, so it is checked here: no dot segments (plain or encoded), no encoded slash or
 * backslash, no NUL, no empty segment in the middle. What passes is matched against grants by its
 * decoded segments and forwarded in its original encoding, so the upstream sees exactly what was checked.
 *
 * @param connection   the first segment, decoded
 * @param rawSegments  the remaining segments as received (percent-encoded)
 * @param segments     the remaining segments decoded
 * @param rawRestPath  "/" + the remaining segments as received: the audit path
 */
record RequestTarget(String connection, List<String> rawSegments, List<String> segments, String rawRestPath) {

	/** The connection's name for the audit log, or null when it is not a valid name: arbitrary text from a request is never logged. */
	String auditedConnection() {
		return Names.isValid(connection) ? connection : null;
	}

	/** Why a path was refused. */
	static final class Refused extends Exception {
		Refused(String message) {
			super(message, null, false, false);
		}
	}

	static RequestTarget parse(String rawPath) throws Refused {
		if (rawPath == null || !rawPath.startsWith("/")) {
			throw new Refused("The request target must be a path starting with '/', like /openai/v1/models.");
		}
		String[] parts = rawPath.substring(1).split("/", -1);
		String connection = decodeSegment(parts[0]);
		if (connection.isEmpty()) {
			throw new Refused("The path must start with a connection name, like /openai/v1/models.");
		}
		List<String> raw = new ArrayList<>();
		List<String> decoded = new ArrayList<>();
		for (int i = 1; i < parts.length; i++) {
			String r = parts[i];
			String d = decodeSegment(r);
			if (d.equals(".") || d.equals("..")) {
				throw new Refused("The path contains a '.' or '..' segment, which could escape the connection's base URL.");
			}
			if (d.indexOf('/') >= 0 || d.indexOf('\\') >= 0 || d.indexOf('\0') >= 0) {
				throw new Refused("The path contains an encoded '/', '\\' or NUL, which upstream servers interpret inconsistently.");
			}
			if (r.isEmpty() && i != parts.length - 1) {
				throw new Refused("The path contains an empty segment ('//'); check the base URL your agent is configured with.");
			}
			raw.add(r);
			decoded.add(d);
		}
		String rest = raw.isEmpty() ? "" : "/" + String.join("/", raw);
		return new RequestTarget(connection, List.copyOf(raw), List.copyOf(decoded), rest.isEmpty() ? "/" : rest);
	}

	private static String decodeSegment(String raw) throws Refused {
		if (raw.indexOf('%') < 0) {
			return raw;
		}
		// Decode at the byte level: %XX escapes and raw non-ASCII characters both become UTF-8 bytes.
		byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
		for (int i = 0; i < bytes.length; i++) {
			byte b = bytes[i];
			if (b == '%') {
				if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0 || Character.digit(bytes[i + 2], 16) < 0) {
					throw new Refused("The path contains a malformed percent-escape.");
				}
				out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
				i += 2;
			} else {
				out.write(b);
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}
}
