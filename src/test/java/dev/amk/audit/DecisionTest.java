package dev.amk.audit;

import dev.amk.common.ErrorType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecisionTest {
	@Test
	@DisplayName("the stored and printed strings are the contract's: allowed, denied, error")
	void wire() {
		assertEquals("allowed", Decision.ALLOWED.wire());
		assertEquals("denied", Decision.DENIED.wire());
		assertEquals("error", Decision.ERROR.wire());
		for (Decision d : Decision.values()) {
			assertEquals(d, Decision.fromWire(d.wire()));
			assertEquals(d.wire(), d.toString());
		}
		assertThrows(IllegalArgumentException.class, () -> Decision.fromWire("ALLOWED"));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({"BAD_REQUEST, DENIED", "BAD_HOST, DENIED", "INVALID_KEY, DENIED", "REVOKED_KEY, DENIED", "SCOPE_DENIED, DENIED",
			"UNKNOWN_CONNECTION, DENIED", "RATE_LIMITED, DENIED", "INTERNAL_ERROR, ERROR", "UPSTREAM_UNREACHABLE, ERROR",
			"UPSTREAM_TIMEOUT, ERROR", "CONNECTION_UNAVAILABLE, ERROR", "CONNECTION_NEEDS_REAUTH, ERROR"})
	@DisplayName("a refusal is a denial when the request was at fault, an error when the broker or upstream was")
	void refusing(ErrorType type, Decision expected) {
		assertEquals(expected, Decision.refusing(type));
	}
}
