package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import dev.amk.connections.Connection;
import dev.amk.providers.Injection;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The request as it goes upstream: what is stripped, what is kept, where the real credential goes. */
class UpstreamRequestTest {
	private static final String SECRET = "sk-real-0123456789abcdef";
	private static final String KEY = AgentKey.generate();

	private static Connection connection(Injection injection) {
		return new Connection(1, "openai", null, HttpUrl.get("https://api.example/v1/"), injection, "ref", Instant.EPOCH);
	}

	private static Request build(Injection injection, HttpFields headers, String rawQuery, String... rawSegments) throws Refused {
		var upstream = new UpstreamRequest(headers, connection(injection), List.of(rawSegments),
				QueryParameter.parse(rawQuery), KEY, "GET", null, false);
		return upstream.withCredential(SECRET);
	}

	private static final Injection BEARER = new Injection.Header("Authorization", "Bearer {secret}");

	@Nested
	@DisplayName("injection")
	class InjectionForms {
		@Test
		@DisplayName("a header connection: the agent's Authorization is replaced by the real one")
		void header() throws Refused {
			Request r = build(BEARER, HttpFields.build().add("Authorization", "Bearer " + KEY), null, "chat");
			assertEquals(List.of("Bearer " + SECRET), r.headers("Authorization"));
		}

		@Test
		@DisplayName("a key offered as a WebSocket subprotocol is dropped from the list, the other subprotocols kept; the real key goes as Bearer only")
		void subprotocolKey() throws Refused {
			Request r = build(BEARER, HttpFields.build().add("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key." + KEY
					+ ", openai-beta.realtime-v1"), null, "realtime");
			assertEquals(List.of("realtime, openai-beta.realtime-v1"), r.headers("Sec-WebSocket-Protocol"));
			assertEquals(List.of("Bearer " + SECRET), r.headers("Authorization"));
			Request only = build(BEARER, HttpFields.build().add("Sec-WebSocket-Protocol", "openai-insecure-api-key.sk-pasted-real-key"), null);
			assertNull(only.header("Sec-WebSocket-Protocol"), "a list of only key subprotocols goes entirely");
		}

		@Test
		@DisplayName("a custom header connection: the agent's header of that name is dropped, whatever it held")
		void customHeader() throws Refused {
			Request r = build(new Injection.Header("X-Custom-Key", "{secret}"),
					HttpFields.build().add("x-custom-key", "agent's own value").add("x-api-key", KEY), null);
			assertEquals(List.of(SECRET), r.headers("X-Custom-Key"));
			assertNull(r.header("x-api-key"));
		}

		@Test
		@DisplayName("a Basic connection: user and the real secret as password")
		void basic() throws Refused {
			Request r = build(new Injection.Basic("x-access-token"), HttpFields.build().add("Authorization", "Bearer " + KEY), null);
			String encoded = Base64.getEncoder().encodeToString(("x-access-token:" + SECRET).getBytes());
			assertEquals(List.of("Basic " + encoded), r.headers("Authorization"));
		}

		@Test
		@DisplayName("a query connection: the agent's parameter of that name is replaced, and no header carries the secret")
		void query() throws Refused {
			Request r = build(new Injection.Query("api_key"), HttpFields.build(), "api_key=agent&alt=json", "models");
			assertEquals(List.of(SECRET), r.url().queryParameterValues("api_key"));
			assertEquals("json", r.url().queryParameter("alt"));
			assertFalse(r.headers().toString().contains(SECRET));
		}
	}

	@Nested
	@DisplayName("stripping")
	class Stripping {
		@Test
		@DisplayName("every credential header and the agent key, wherever it was, never go upstream")
		void credentials() throws Refused {
			HttpFields headers = HttpFields.build().add("x-api-key", KEY).add("x-goog-api-key", "other").add("api-key", "x")
					.add("Proxy-Authorization", "Basic abc").add("X-Trace", "trace " + KEY).add("X-Other-Key", AgentKey.generate())
					.add("Content-Type", "application/json");
			Request r = build(BEARER, headers, "key=" + KEY + "&k2=" + KEY + "&alt=json");
			for (String name : List.of("x-api-key", "x-goog-api-key", "api-key", "proxy-authorization", "x-trace", "x-other-key")) {
				assertNull(r.header(name), name);
			}
			assertEquals("application/json", r.header("Content-Type"));
			assertEquals("alt=json", r.url().encodedQuery());
			assertFalse(r.toString().contains(KEY));
		}

		@Test
		@DisplayName("hop-by-hop headers and those a Connection header lists are dropped; end-to-end ones are kept in order")
		void hopByHop() throws Refused {
			HttpFields headers = HttpFields.build().add("Connection", "keep-alive, X-Hop").add("Keep-Alive", "timeout=5").add("X-Hop", "1")
					.add("TE", "trailers").add("Upgrade", "h2c").add("Proxy-Connection", "keep-alive").add("Proxy-Foo", "1")
					.add("Host", "127.0.0.1:9323").add("Content-Length", "0").add("Expect", "100-continue")
					.add("X-Keep", "a").add("X-Keep", "b").add("OpenAI-Beta", "assistants=v2");
			Request r = build(BEARER, headers, null);
			for (String name : List.of("connection", "keep-alive", "x-hop", "te", "upgrade", "proxy-connection", "proxy-foo", "host", "expect")) {
				assertNull(r.header(name), name);
			}
			assertEquals(List.of("a", "b"), r.headers("X-Keep"));
			assertEquals("assistants=v2", r.header("OpenAI-Beta"));
		}

		@Test
		@DisplayName("Accept-Encoding: always identity upstream, whatever the agent accepts, so that the secret mask can read the answer")
		void acceptEncoding() throws Refused {
			assertEquals("identity", build(BEARER, HttpFields.build(), null).header("Accept-Encoding"));
			assertEquals(List.of("identity"), build(BEARER, HttpFields.build().add("Accept-Encoding", "gzip"), null).headers("Accept-Encoding"));
		}
	}

	@Nested
	@DisplayName("the URL")
	class Url {
		@Test
		@DisplayName("the raw segments are appended to the base URL as received")
		void segments() throws Refused {
			Request r = build(BEARER, HttpFields.build(), "a=1%202", "chat", "completions%20x");
			assertEquals("https://api.example/v1/chat/completions%20x?a=1%202", r.url().toString());
		}
	}

	@Test
	@DisplayName("the same prepared request can be built again with a refreshed credential (the OAuth retry)")
	void rebuiltWithAnotherCredential() throws Refused {
		var upstream = new UpstreamRequest(HttpFields.build().add("Authorization", "Bearer " + KEY), connection(BEARER),
				List.of("x"), List.of(), KEY, "GET", null, true);
		assertEquals("Bearer " + SECRET, upstream.withCredential(SECRET).header("Authorization"));
		assertEquals("Bearer fresh-token-0123", upstream.withCredential("fresh-token-0123").header("Authorization"));
	}
}
