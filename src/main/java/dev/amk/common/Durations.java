package dev.amk.common;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human durations the CLI accepts ({@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}). */
public final class Durations {
	private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smhdw])");

	private Durations() {
	}

	public static Duration parse(String text) {
		Matcher m = DURATION.matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
		if (!m.matches()) {
			throw AmkException.invalid("'" + text + "' is not a duration. Use a number and a unit: 90s, 30m, 24h, 7d or 2w.");
		}
		long n = Long.parseLong(m.group(1));
		if (n == 0) {
			throw AmkException.invalid("A duration must be longer than zero; '" + text + "' is not.");
		}
		return switch (m.group(2)) {
			case "s" -> Duration.ofSeconds(n);
			case "m" -> Duration.ofMinutes(n);
			case "h" -> Duration.ofHours(n);
			case "d" -> Duration.ofDays(n);
			default -> Duration.ofDays(7 * n);
		};
	}

	/** A duration from now, or an absolute ISO-8601 instant such as {@code 2026-12-31T23:00:00Z}. */
	public static Instant parseExpiry(String text, Instant now) {
		if (text.length() > 4 && text.contains("T")) {
			try {
				Instant at = Instant.parse(text);
				if (!at.isAfter(now)) {
					throw new InvalidInput(InvalidInput.Field.EXPIRY, InvalidInput.Problem.MALFORMED, "The expiry " + text + " is already in the past.");
				}
				return at;
			} catch (DateTimeParseException e) {
				throw new InvalidInput(InvalidInput.Field.EXPIRY, InvalidInput.Problem.MALFORMED,
						"'" + text + "' is not an ISO-8601 instant like 2026-12-31T23:00:00Z.");
			}
		}
		try {
			return now.plus(parse(text));
		} catch (AmkException e) {
			throw new InvalidInput(InvalidInput.Field.EXPIRY, InvalidInput.Problem.MALFORMED, e.getMessage());
		}
	}

	/** "4 s ago", "3 min ago", "2 h ago", "5 d ago": short, for tables. */
	public static String ago(Instant then, Instant now) {
		long s = Math.max(0, Duration.between(then, now).getSeconds());
		if (s < 60) return s + " s ago";
		if (s < 3600) return (s / 60) + " min ago";
		if (s < 86400) return (s / 3600) + " h ago";
		return (s / 86400) + " d ago";
	}

	/** "in 23 h", "in 6 d". */
	public static String until(Instant then, Instant now) {
		long s = Duration.between(now, then).getSeconds();
		if (s <= 0) return "expired";
		if (s < 60) return "in " + s + " s";
		if (s < 3600) return "in " + (s / 60) + " min";
		if (s < 86400) return "in " + (s / 3600) + " h";
		return "in " + (s / 86400) + " d";
	}
}
