package dev.amk.testing;

import dev.amk.common.InvalidInput;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Asserts a service's refusal of an input: its field, its problem, and a message of its own that names no CLI flag. */
public final class Refusals {
	private Refusals() {
	}

	public static InvalidInput refused(InvalidInput.Field field, InvalidInput.Problem problem, Executable call) {
		InvalidInput e = assertThrows(InvalidInput.class, call);
		assertEquals(field, e.field(), e.getMessage());
		assertEquals(problem, e.problem(), e.getMessage());
		assertFalse(e.getMessage().contains("--"), "the service's own message names no command-line flag: " + e.getMessage());
		return e;
	}
}
