package dev.amk.common;

import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvalidInputTest {
	private static final InvalidInput.Wording SHOUTING = field -> field.name();

	@Test
	@DisplayName("a refusal is invalid_argument, names its field and problem, and is worded by whoever shows it")
	void wording() {
		InvalidInput e = new InvalidInput(Field.BASE_URL, Problem.MISSING, w -> "It needs " + w.name(Field.BASE_URL) + ".");
		assertSame(ErrorType.INVALID_ARGUMENT, e.errorType());
		assertEquals(Field.BASE_URL, e.field());
		assertEquals(Problem.MISSING, e.problem());
		assertEquals("It needs a base URL.", e.getMessage(), "the neutral wording when nobody words it");
		assertEquals("It needs BASE_URL.", e.message(SHOUTING));
		assertEquals("It needs BASE_URL.", InvalidInput.wordedBy(e, SHOUTING));
		assertEquals("plain", InvalidInput.wordedBy(new AmkException(ErrorType.NOT_FOUND, "plain"), SHOUTING),
				"other failures are shown as they are");
	}

	@Test
	@DisplayName("an edit (a redaction) applies to every wording and keeps the field")
	void edited() {
		InvalidInput e = new InvalidInput(Field.BASE_URL, Problem.MALFORMED, w -> "'sk-1' is not " + w.name(Field.BASE_URL));
		InvalidInput redacted = e.edited(m -> m.replace("sk-1", "…"));
		assertEquals("'…' is not a base URL", redacted.getMessage());
		assertEquals("'…' is not BASE_URL", redacted.message(SHOUTING));
		assertEquals(Field.BASE_URL, redacted.field());
	}

	@Test
	@DisplayName("a table of field names must name every field, so a new field cannot go unworded")
	void everyFieldNamed() {
		assertThrows(IllegalArgumentException.class, () -> new InvalidInput.FieldNames(Map.of(Field.NAME, "the name")));
		for (Field f : Field.values()) {
			assertTrue(!InvalidInput.NEUTRAL.name(f).isBlank(), f.name());
		}
	}

	@Test
	@DisplayName("NAME: empty is MISSING, anything outside the name rule MALFORMED (DEL included)")
	void names() {
		InvalidInput empty = assertThrows(InvalidInput.class, () -> Names.requireValid("agent", " "));
		assertEquals(Field.NAME, empty.field());
		assertEquals(Problem.MISSING, empty.problem());
		assertTrue(empty.getMessage().startsWith("Give the agent a name."), empty.getMessage());
		for (String bad : new String[] {"bad name", "bot\u007f", "-lead", "x".repeat(65)}) {
			InvalidInput e = assertThrows(InvalidInput.class, () -> Names.requireValid("connection", bad));
			assertEquals(Problem.MALFORMED, e.problem());
			assertTrue(e.getMessage().contains("is not a usable connection name"), e.getMessage());
		}
		assertEquals(Field.GRANT, assertThrows(InvalidInput.class, () -> Names.requireValid(Field.GRANT, "connection", "a b")).field());
	}

	@Test
	@DisplayName("EXPIRY: a duration or instant that cannot be read, or is past, names the expiry")
	void expiry() {
		Instant now = Instant.parse("2026-06-01T00:00:00Z");
		for (String bad : new String[] {"soon", "0h", "2020-01-01T00:00:00Z", "2026-13-01T00:00:00Z"}) {
			InvalidInput e = assertThrows(InvalidInput.class, () -> Durations.parseExpiry(bad, now), bad);
			assertEquals(Field.EXPIRY, e.field());
		}
	}
}
