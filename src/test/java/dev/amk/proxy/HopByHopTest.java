package dev.amk.proxy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HopByHopTest {
	@ParameterizedTest
	@ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-anything", "te", "trailer",
			"transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings", "authorization", "x-api-key",
			"x-goog-api-key", "api-key"})
	@DisplayName("never forwarded upstream: hop-by-hop, framing, and every header an agent key is looked for in")
	void notForwarded(String name) {
		assertFalse(HopByHop.keptUpstream(name, List.of()));
	}

	@ParameterizedTest
	@ValueSource(strings = {"content-type", "accept", "user-agent", "openai-beta", "anthropic-version", "x-request-id"})
	@DisplayName("end-to-end request headers are forwarded")
	void forwarded(String name) {
		assertTrue(HopByHop.keptUpstream(name, List.of()));
	}

	@Test
	@DisplayName("a header the Connection header lists is hop-by-hop, in whatever case it was listed")
	void connectionListed() {
		assertFalse(HopByHop.keptUpstream("x-hop", List.of("X-Hop")));
		assertFalse(HopByHop.returned("X-Hop", HopByHop.connectionTokens(List.of("close, x-hop"))));
		assertTrue(HopByHop.returned("X-Other", HopByHop.connectionTokens(List.of("close, x-hop"))));
	}

	@Test
	@DisplayName("responses keep credentials and framing headers that are end-to-end (Content-Length, WWW-Authenticate)")
	void returned() {
		assertTrue(HopByHop.returned("Content-Length", List.of()));
		assertTrue(HopByHop.returned("WWW-Authenticate", List.of()));
		assertFalse(HopByHop.returned("Transfer-Encoding", List.of()));
		assertFalse(HopByHop.returned("Keep-Alive", List.of()));
	}

	@Test
	@DisplayName("Connection tokens: split and trimmed; none allocates nothing")
	void tokens() {
		assertEquals(List.of("keep-alive", "X-A", "x-b"), HopByHop.connectionTokens(List.of("keep-alive, X-A", " x-b ")));
		assertSame(List.of(), HopByHop.connectionTokens(List.of()));
	}
}
