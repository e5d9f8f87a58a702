package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.testing.Teardown;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loopback redirect listener over real sockets, including the redirects an attacker would try. */
class LoopbackRedirectTest {
	final Pkce pkce = Pkce.generate();
	final HttpClient http = HttpClient.newHttpClient();
	LoopbackRedirect listener;

	@BeforeEach
	void open() {
		listener = new LoopbackRedirect(pkce.state());
	}

	@AfterEach
	void close() throws Exception {
		Teardown.closeAll(listener);
	}

	private int get(String pathAndQuery) throws Exception {
		String base = listener.redirectUri().substring(0, listener.redirectUri().length() - LoopbackRedirect.PATH.length());
		return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	@Test
	@DisplayName("the redirect with the right state delivers the code once; a second request is refused")
	void deliversCodeOnce() throws Exception {
		assertTrue(listener.redirectUri().matches("http://127\\.0\\.0\\.1:\\d+/callback"), listener.redirectUri());
		assertEquals(200, get("/callback?code=abc123&state=" + pkce.state()));
		assertEquals("abc123", listener.awaitCode(Duration.ofSeconds(5)));
		assertEquals(410, get("/callback?code=replayed&state=" + pkce.state()));
	}

	@Test
	@DisplayName("a wrong or missing state, or an extra path, is refused and settles nothing")
	void attacks() throws Exception {
		assertEquals(400, get("/callback?code=evil&state=forged"));
		assertEquals(400, get("/callback?code=evil"));
		assertEquals(404, get("/callback/extra?code=evil&state=" + pkce.state()));
		assertEquals(404, get("/?code=evil&state=" + pkce.state()));
		assertEquals(200, get("/callback?code=good&state=" + pkce.state()), "the real redirect still works afterwards");
		assertEquals("good", listener.awaitCode(Duration.ofSeconds(5)));
	}

	@Test
	@DisplayName("a denial at the provider comes back as a clear error; a timeout and a cancel too")
	void denialTimeoutCancel() throws Exception {
		assertEquals(400, get("/callback?error=access_denied&state=" + pkce.state()));
		AmkException denied = assertThrows(AmkException.class, () -> listener.awaitCode(Duration.ofSeconds(5)));
		assertEquals("oauth_denied", denied.type());
		assertTrue(denied.getMessage().contains("access_denied"));

		try (LoopbackRedirect idle = new LoopbackRedirect(Pkce.generate().state())) {
			assertEquals("oauth_timeout", assertThrows(AmkException.class, () -> idle.awaitCode(Duration.ofMillis(50))).type());
			idle.cancel();
			assertEquals("oauth_cancelled", assertThrows(AmkException.class, () -> idle.awaitCode(Duration.ofSeconds(5))).type());
		}
	}

	@Test
	@DisplayName("PKCE: S256 challenge per RFC 7636's example; verifier and state are independent")
	void pkce() {
		assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
		Pkce a = Pkce.generate();
		assertEquals(43, a.verifier().length());
		assertNotEquals(a.verifier(), a.state());
		assertNotEquals(a.verifier(), Pkce.generate().verifier());
		assertTrue(!a.toString().contains(a.verifier()));
	}
}
