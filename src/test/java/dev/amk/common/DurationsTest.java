package dev.amk.common;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {
	private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

	@Nested
	@DisplayName("parse()")
	class Parse {
		@ParameterizedTest
		@CsvSource({
				"90s, PT1M30S",
				"30m, PT30M",
				"24h, PT24H",
				"7d, PT168H",
				"2w, PT336H",
				"1s, PT1S",
				"1w, PT168H",
				"24H, PT24H",
				"' 7d ', PT168H",
				"'5 m', PT5M",
				"007m, PT7M",
				"999999999s, PT277777H46M39S",
		})
		void unitsAndNumbers(String text, String expected) {
			assertEquals(Duration.parse(expected), Durations.parse(text));
		}

		@ParameterizedTest
		@ValueSource(strings = {"0h", "0s", "00d", "0w"})
		void zeroIsRefused(String text) {
			AmkException e = assertThrows(AmkException.class, () -> Durations.parse(text));
			assertEquals("invalid_argument", e.type());
			assertTrue(e.getMessage().contains("longer than zero"), e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"abc", "5y", "5", "h", "", " ", "-5m", "1.5h", "5 min", "1h30m", "P1D", "1000000000s", "5ms"})
		void notADuration(String text) {
			AmkException e = assertThrows(AmkException.class, () -> Durations.parse(text));
			assertEquals("invalid_argument", e.type());
			assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
		}
	}

	@Nested
	@DisplayName("parseExpiry()")
	class Expiry {
		@Test
		void aDurationCountsFromNow() {
			assertEquals(NOW.plus(Duration.ofDays(7)), Durations.parseExpiry("7d", NOW));
			assertEquals(NOW.plusSeconds(90), Durations.parseExpiry("90s", NOW));
		}

		@Test
		void aFutureInstantIsTakenAsIs() {
			assertEquals(Instant.parse("2026-12-31T23:00:00Z"), Durations.parseExpiry("2026-12-31T23:00:00Z", NOW));
			assertEquals(NOW.plusMillis(1), Durations.parseExpiry(NOW.plusMillis(1).toString(), NOW));
		}

		@ParameterizedTest
		@ValueSource(strings = {"2026-03-10T12:00:00Z", "2026-03-10T11:59:59Z", "2020-01-01T00:00:00Z"})
		void aPastOrPresentInstantIsRefused(String text) {
			AmkException e = assertThrows(AmkException.class, () -> Durations.parseExpiry(text, NOW));
			assertEquals("invalid_argument", e.type());
			assertTrue(e.getMessage().contains("already in the past"), e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"2026-13-01T00:00:00Z", "2026-12-31T23:00:00", "tomorrowT9", "2026-12-31 T 23:00Z"})
		void aMalformedInstantIsRefused(String text) {
			AmkException e = assertThrows(AmkException.class, () -> Durations.parseExpiry(text, NOW));
			assertEquals("invalid_argument", e.type());
			assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
		}

		@Test
		void neitherDurationNorInstant() {
			assertThrows(AmkException.class, () -> Durations.parseExpiry("soon", NOW));
			assertThrows(AmkException.class, () -> Durations.parseExpiry("0d", NOW));
		}
	}

	@Nested
	@DisplayName("ago() and until()")
	class Texts {
		@ParameterizedTest
		@CsvSource({
				"0, 0 s ago",
				"1, 1 s ago",
				"59, 59 s ago",
				"60, 1 min ago",
				"119, 1 min ago",
				"3599, 59 min ago",
				"3600, 1 h ago",
				"86399, 23 h ago",
				"86400, 1 d ago",
				"950400, 11 d ago",
		})
		void ago(long secondsBefore, String expected) {
			assertEquals(expected, Durations.ago(NOW.minusSeconds(secondsBefore), NOW));
		}

		@Test
		void agoOfAFutureTimeIsZero() {
			assertEquals("0 s ago", Durations.ago(NOW.plusSeconds(30), NOW));
		}

		@ParameterizedTest
		@CsvSource({
				"1, in 1 s",
				"59, in 59 s",
				"60, in 1 min",
				"3599, in 59 min",
				"3600, in 1 h",
				"82800, in 23 h",
				"86399, in 23 h",
				"86400, in 1 d",
				"518400, in 6 d",
		})
		void until(long secondsAhead, String expected) {
			assertEquals(expected, Durations.until(NOW.plusSeconds(secondsAhead), NOW));
		}

		@ParameterizedTest
		@ValueSource(longs = {0, 1, 3600})
		void untilAPastTimeIsExpired(long secondsBefore) {
			assertEquals("expired", Durations.until(NOW.minusSeconds(secondsBefore), NOW));
		}
	}
}
