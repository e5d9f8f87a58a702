package dev.amk.proxy;

import dev.amk.agents.GrantRule;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NarrowGrantTest {
	@ParameterizedTest(name = "\"{0}\"")
	@ValueSource(strings = {"%2e%2e", "%2E", "\uFF0E\uFF0E", "\u2024", "...", "..;", ".. ", "..\t", "x.", "x ", "a\u0000b", "a%41b"})
	@DisplayName("segments a server may normalise into another path are ambiguous")
	void ambiguous(String segment) {
		assertTrue(NarrowGrant.ambiguous(segment));
	}

	@ParameterizedTest(name = "\"{0}\"")
	@ValueSource(strings = {"v1", "chat", "file.txt", "a..b", "50%", "%zz", "my file", "café", ""})
	@DisplayName("ordinary segments pass")
	void ordinary(String segment) {
		assertFalse(NarrowGrant.ambiguous(segment));
	}

	@Test
	@DisplayName("a full grant checks nothing; a read grant refuses an override header and ?_method=")
	void onlyNarrowGrants() {
		HttpFields override = HttpFields.build().add("X-HTTP-Method-Override", "DELETE");
		List<QueryParameter> method = QueryParameter.parse("_method=DELETE");
		assertDoesNotThrow(() -> NarrowGrant.check(GrantRule.FULL, override, method, List.of("...")));
		assertThrows(Refused.class, () -> NarrowGrant.check(GrantRule.READ, override, List.of(), List.of("v1")));
		assertThrows(Refused.class, () -> NarrowGrant.check(GrantRule.READ, HttpFields.EMPTY, method, List.of("v1")));
		assertDoesNotThrow(() -> NarrowGrant.check(GrantRule.READ, HttpFields.build().add("Accept", "*/*"), List.of(), List.of("v1", "x.json")));
	}
}
