package dev.amk.common;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorTypeTest {
	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({"bad_request, 400", "invalid_key, 401", "unknown_key, 401", "revoked_key, 401", "expired_key, 401", "scope_denied, 403",
			"unknown_connection, 404", "bad_host, 421", "rate_limited, 429", "upstream_unreachable, 502", "upstream_timeout, 504",
			"proxy_auth_required, 407", "host_not_allowed, 403"})
	@DisplayName("the proxy's error types carry the contract's statuses")
	void contractStatuses(String type, int status) {
		assertEquals(status, ErrorType.of(type).httpStatus());
	}

	@Test
	@DisplayName("every type string is unique, lower snake case, and found again by of()")
	void uniqueAndFound() {
		Set<String> seen = new HashSet<>();
		for (ErrorType t : ErrorType.values()) {
			assertTrue(seen.add(t.type()), t.type());
			assertTrue(t.type().matches("[a-z]+(_[a-z0-9]+)*"), t.type());
			assertSame(t, ErrorType.of(t.type()));
			assertEquals(t.type(), t.toString());
		}
		assertNull(ErrorType.of("no_such_type"));
	}

	@Test
	@DisplayName("a CLI command that fails exits 1; one that cannot be parsed exits 2")
	void exitCodes() {
		assertEquals(2, ErrorType.USAGE.exitCode());
		assertTrue(Arrays.stream(ErrorType.values()).filter(t -> t != ErrorType.USAGE).allMatch(t -> t.exitCode() == 1));
	}

	@Test
	@DisplayName("AmkException carries a catalogued type and gives its contract string")
	void amkException() {
		AmkException typed = new AmkException(ErrorType.NOT_FOUND, "No agent named 'x'.");
		assertEquals("not_found", typed.type());
		assertSame(ErrorType.NOT_FOUND, typed.errorType());
		assertTrue(typed.is(ErrorType.NOT_FOUND));
		assertThrows(NullPointerException.class, () -> new AmkException(null, "m"), "every failure has a catalogued type");
	}
}
