package dev.amk.ca;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostNamesTest {
	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({
			"api.openai.com, api.openai.com",
			"API.OpenAI.com, api.openai.com",
			"api.openai.com., api.openai.com",
			"localhost, localhost",
			"xn--bcher-kva.example, xn--bcher-kva.example",
			"a-b.c-d.example, a-b.c-d.example",
			"1password.com, 1password.com",
	})
	@DisplayName("requireDnsName() keeps host names, lower-cased, without a trailing dot")
	void accepted(String host, String signed) {
		assertEquals(signed, HostNames.requireDnsName(host));
	}

	@ParameterizedTest(name = "{0} is refused as {1}")
	@CsvSource(delimiter = '|', value = {
			"127.0.0.1|IP_LITERAL",
			"169.254.169.254|IP_LITERAL",
			"::1|IP_LITERAL",
			"[::1]|IP_LITERAL",
			"fe80::1%eth0|IP_LITERAL",
			"2130706433|IP_LITERAL",
			"127.1|IP_LITERAL",
			"0x7f.0x1|IP_LITERAL",
			"*.openai.com|WILDCARD",
			"api.*.com|WILDCARD",
			"''|EMPTY",
			"'   '|EMPTY",
			"-api.openai.com|INVALID",
			"api-.openai.com|INVALID",
			"api..openai.com|INVALID",
			".openai.com|INVALID",
			"api_x.openai.com|INVALID",
			"bücher.example|INVALID",
			"api.openai.com:443|IP_LITERAL",
			"a b.example|INVALID",
	})
	@DisplayName("requireDnsName() fails with a typed reason")
	void refused(String host, InvalidHostException.Reason reason) {
		InvalidHostException e = assertThrows(InvalidHostException.class, () -> HostNames.requireDnsName(host));
		assertEquals(reason, e.reason());
		assertEquals("invalid_host", e.type());
	}

	@ParameterizedTest
	@ValueSource(ints = {64, 254})
	@DisplayName("requireDnsName() fails for a 64-character label and a 254-character name")
	void overlong(int length) {
		String host = length == 64 ? "a".repeat(64) + ".example" : ("a".repeat(62) + ".").repeat(4) + "ab"; // 4*63 + 2 = 254
		assertEquals(length == 64 ? 72 : 254, host.length());
		InvalidHostException e = assertThrows(InvalidHostException.class, () -> HostNames.requireDnsName(host));
		assertEquals(length == 64 ? InvalidHostException.Reason.INVALID : InvalidHostException.Reason.TOO_LONG, e.reason());
	}

	@org.junit.jupiter.api.Test
	@DisplayName("a name of exactly 253 characters with 63-character labels is accepted")
	void longest() {
		String host = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
		assertEquals(253, host.length());
		assertEquals(host, HostNames.requireDnsName(host));
	}

	@org.junit.jupiter.api.Test
	@DisplayName("null is refused as empty")
	void nullHost() {
		assertEquals(InvalidHostException.Reason.EMPTY, assertThrows(InvalidHostException.class, () -> HostNames.requireDnsName(null)).reason());
	}
}
