package dev.amk.proxy;

import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The answer's headers on their way back; streaming itself is covered end to end (ProxyStreamingTest). */
class RelayTest {
	private static final String SECRET = "sk-echoed-0123456789";

	private static Response upstream(String... namesAndValues) {
		Response.Builder b = new Response.Builder().request(new Request.Builder().url("https://api.example/").build()).protocol(Protocol.HTTP_1_1)
				.code(200).message("OK");
		for (int i = 0; i < namesAndValues.length; i += 2) {
			b.addHeader(namesAndValues[i], namesAndValues[i + 1]);
		}
		return b.build();
	}

	@Test
	@DisplayName("end-to-end headers come back in order; hop-by-hop ones and those Connection lists do not")
	void hopByHop() {
		HttpFields.Mutable to = HttpFields.build();
		Relay.copyHeaders(upstream("Connection", "keep-alive, X-Internal", "Keep-Alive", "timeout=5", "X-Internal", "1",
				"Transfer-Encoding", "chunked", "Upgrade", "h2c", "Trailer", "X-Sum", "Content-Type", "text/event-stream",
				"Set-Cookie", "a=1", "Set-Cookie", "b=2", "x-request-id", "r1"), to, null);
		assertEquals(List.of("Content-Type", "Set-Cookie", "Set-Cookie", "x-request-id"), to.stream().map(f -> f.getName()).toList());
		assertEquals(List.of("a=1", "b=2"), to.getValuesList("Set-Cookie"));
		assertNull(to.get("X-Internal"));
	}

	@Test
	@DisplayName("an echoed credential is masked in every header value")
	void masked() {
		HttpFields.Mutable to = HttpFields.build();
		Relay.copyHeaders(upstream("X-Debug", "used key " + SECRET, "Location", "https://x.example/?api_key=" + SECRET), to,
				SecretMask.of(SECRET));
		String stars = "*".repeat(SECRET.length());
		assertEquals("used key " + stars, to.get("X-Debug"));
		assertEquals("https://x.example/?api_key=" + stars, to.get("Location"));
	}

	@Test
	@DisplayName("a broken answer is recorded by why it broke: the agent leaving is still allowed, a cut is the refusal's decision")
	void brokenOutcomes() {
		IOException cause = new IOException("reset");
		ExchangeBroken left = ExchangeBroken.clientClosed(cause);
		assertEquals(Decision.ALLOWED, left.decision());
		assertEquals(ErrorType.CLIENT_CLOSED, left.reason());
		assertEquals(cause, left.getCause());
		assertEquals(Decision.DENIED, ExchangeBroken.cut(ErrorType.REVOKED_KEY, cause).decision());
		assertEquals(Decision.ERROR, ExchangeBroken.cut(ErrorType.UPSTREAM_TIMEOUT, cause).decision());
	}
}
