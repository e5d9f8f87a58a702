package dev.amk.proxy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostCheckTest {
	private static final int PORT = 9323;

	@ParameterizedTest
	@ValueSource(strings = {"127.0.0.1:9323", "localhost:9323", "LOCALHOST:9323", "LocalHost:9323", "[::1]:9323"})
	@DisplayName("the loopback names with the broker's port pass, in any case")
	void loopbackWithPort(String host) {
		assertTrue(HostCheck.allows(host, PORT));
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "127.0.0.1:9324", "localhost:80", "127.0.0.2:9323", "0.0.0.0:9323",
			"evil.example:9323", "localhost.evil.example:9323", "127.0.0.1.nip.io:9323", "[::ffff:127.0.0.1]:9323", "::1:9323",
			"127.0.0.1:9323 ", " 127.0.0.1:9323", "127.0.0.1:09323", "user@127.0.0.1:9323"})
	@DisplayName("anything else is refused: other names (DNS rebinding), other ports, no port, padding")
	void everythingElse(String host) {
		assertFalse(HostCheck.allows(host, PORT));
	}
}
