package dev.amk.providers;

import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.InvalidInput;

import java.util.Locale;
import java.util.regex.Pattern;

/** How a connection's real secret is put into an upstream request. Pure data; the proxy applies it. */
public sealed interface Injection {
	String SECRET_PLACEHOLDER = "{secret}";

	/** A request header, its value made from a template such as {@code Bearer {secret}}. */
	record Header(String name, String format) implements Injection {
		private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

		public Header {
			if (name == null || !TOKEN.matcher(name).matches()) {
				throw new InvalidInput(Field.HEADER, Problem.MALFORMED, "'" + name + "' is not a valid header name.");
			}
			if (format == null || !format.contains(SECRET_PLACEHOLDER)) {
				throw new InvalidInput(Field.FORMAT, Problem.MISSING, "The header format must contain " + SECRET_PLACEHOLDER + ", for example 'Bearer {secret}'.");
			}
			if (format.chars().anyMatch(Injection::isControl)) {
				throw new InvalidInput(Field.FORMAT, Problem.UNSAFE, "The header format must not contain control characters.");
			}
			String lower = name.toLowerCase(Locale.ROOT);
			if (lower.equals("host") || lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")) {
				throw new InvalidInput(Field.HEADER, Problem.UNSAFE, "'" + name + "' carries HTTP framing and cannot hold a credential; choose another header.");
			}
		}

		public String value(String secret) {
			return format.replace(SECRET_PLACEHOLDER, secret);
		}

		@Override
		public String describe() {
			return "header " + name + ": " + format;
		}
	}

	/** A query parameter, as some APIs take their key ({@code ?key=…}). */
	record Query(String parameter) implements Injection {
		public Query {
			if (parameter == null || parameter.isBlank() || !parameter.matches("[A-Za-z0-9._~-]+")) {
				throw new InvalidInput(Field.QUERY_PARAMETER, Problem.MALFORMED, "'" + parameter + "' is not a valid query parameter name.");
			}
		}

		@Override
		public String describe() {
			return "query parameter " + parameter;
		}
	}

	/** HTTP Basic with a fixed user and the secret as password. */
	record Basic(String user) implements Injection {
		public Basic {
			if (user == null || user.isEmpty() || user.contains(":") || user.chars().anyMatch(Injection::isControl)) {
				throw new InvalidInput(Field.BASIC_USER, Problem.MALFORMED, "The Basic user must not be empty or contain ':' or control characters.");
			}
		}

		@Override
		public String describe() {
			return "HTTP Basic as " + user;
		}
	}

	String describe();

	/** C0 controls and DEL: never allowed in a header, whichever front door the value was typed into. */
	static boolean isControl(int c) {
		return c < 0x20 || c == 0x7f;
	}

	/** The three columns the registry stores: kind, name, format. */
	default String kind() {
		return switch (this) {
			case Header h -> "header";
			case Query q -> "query";
			case Basic b -> "basic";
		};
	}

	static Injection fromColumns(String kind, String name, String format) {
		return switch (kind) {
			case "header" -> new Header(name, format);
			case "query" -> new Query(name);
			case "basic" -> new Basic(name);
			default -> throw new IllegalStateException("unknown injection kind " + kind);
		};
	}

	static String nameColumn(Injection injection) {
		return switch (injection) {
			case Header h -> h.name();
			case Query q -> q.parameter();
			case Basic b -> b.user();
		};
	}

	static String formatColumn(Injection injection) {
		return injection instanceof Header h ? h.format() : null;
	}
}
