package dev.amk.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.amk.agents.AgentKey;
import dev.amk.connections.Connection;
import dev.amk.providers.Injection;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever headers, path and query an agent sends, the request built for the upstream carries no credential
 * but the connection's own, no agent key in any header, no hop-by-hop header and nothing its Connection header
 * lists, and goes to the connection's scheme, host and port, below its base path.
 */
class UpstreamRequestFuzzTest {
	private static final String SECRET = "sk-real-0123456789abcdef";
	private static final String KEY = AgentKey.generate();
	private static final String OTHER_KEY = AgentKey.generate();
	private static final List<HttpUrl> BASES = List.of(HttpUrl.get("https://api.example/v1/"), HttpUrl.get("http://127.0.0.1:8080"),
			HttpUrl.get("https://h.example:8443/a/b"));
	private static final List<Injection> INJECTIONS = List.of(new Injection.Header("Authorization", "Bearer {secret}"),
			new Injection.Header("X-Custom-Key", "{secret}"), new Injection.Basic("x-access-token"), new Injection.Query("api_key"));
	private static final List<String> NAMES = List.of("Authorization", "x-api-key", "x-goog-api-key", "api-key", "Proxy-Authorization", "proxy-foo",
			"Connection", "keep-alive", "TE", "trailer", "Transfer-Encoding", "upgrade", "Host", "Content-Length", "expect", "http2-settings",
			"X-Custom-Key", "accept-encoding", "x-listed", "user-agent");
	private static final Set<String> NEVER_UPSTREAM = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
			"te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings");

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({"amk_", "Bearer ", "key=", "api_key=", "&", "%2F", "%2e", "..", "close, x-listed", ","})
	void onlyTheConnectionsCredentialGoesUpstream(FuzzedDataProvider data) throws Refused {
		HttpUrl base = data.pickValue(BASES);
		Injection injection = data.pickValue(INJECTIONS);
		Connection connection = new Connection(1, "c", null, base, injection, "ref", Instant.EPOCH);
		HttpFields.Mutable headers = HttpFields.build();
		int count = data.consumeInt(0, 8);
		for (int i = 0; i < count; i++) {
			String name = data.consumeBoolean() ? data.pickValue(NAMES) : token(data.consumeString(16));
			String value = visible(data.consumeString(60));
			switch (data.consumeInt(0, 3)) {
				case 0 -> value = value + KEY;
				case 1 -> value = "Bearer " + OTHER_KEY + " " + value;
				default -> {
					// the value alone
				}
			}
			if (!name.isEmpty()) {
				headers.add(name, value);
			}
		}
		RequestTarget target;
		try {
			target = RequestTarget.parse("/c/" + inTarget(data.consumeString(60)));
		} catch (RequestTarget.Refused refused) {
			return;
		}
		String rawQuery = inTarget(data.consumeRemainingAsString()).replace("#", "");
		// An agent that sends the real secret itself (it cannot know it) would make the secret checks meaningless.
		boolean agentSentTheSecret = headers.toString().contains(SECRET) || rawQuery.contains(SECRET) || target.rawRestPath().contains(SECRET);
		var upstream = new UpstreamRequest(headers, connection, target.rawSegments(), QueryParameter.parse(rawQuery), KEY, "GET", null, false);
		Request request;
		try {
			request = upstream.withCredential(SECRET);
		} catch (Refused refused) {
			// Refusing is always safe: nothing is sent. Only the agent's own malformed input may be refused here.
			assertEquals(dev.amk.common.ErrorType.BAD_REQUEST, refused.refusal().type(), refused.refusal().message());
			return;
		}

		HttpUrl url = request.url();
		assertEquals(base.scheme(), url.scheme());
		assertEquals(base.host(), url.host());
		assertEquals(base.port(), url.port());
		List<String> basePath = base.pathSegments().getLast().isEmpty() ? base.pathSegments().subList(0, base.pathSegments().size() - 1) : base.pathSegments();
		assertEquals(basePath, url.pathSegments().subList(0, basePath.size()), () -> "left the base path: " + url);
		for (int i = 0; i < url.querySize(); i++) {
			String name = url.queryParameterName(i);
			String value = url.queryParameterValue(i);
			assertFalse(name.equals("key") || KEY.equals(value), () -> "the agent key went upstream in the query: " + url);
			if (injection instanceof Injection.Query(String parameter) && name.equals(parameter)) {
				assertEquals(SECRET, value);
			}
		}
		if (injection instanceof Injection.Query(String parameter)) {
			assertEquals(List.of(SECRET), url.queryParameterValues(parameter));
		} else if (!agentSentTheSecret) {
			assertFalse(url.toString().contains(SECRET));
		}

		List<String> listed = HopByHop.connectionTokens(headers.getValuesList("Connection")).stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
		String injectedHeader = switch (injection) {
			case Injection.Header h -> h.name().toLowerCase(Locale.ROOT);
			case Injection.Basic _ -> "authorization";
			case Injection.Query _ -> null;
		};
		for (String name : request.headers().names()) {
			String lower = name.toLowerCase(Locale.ROOT);
			assertFalse(NEVER_UPSTREAM.contains(lower) || lower.startsWith("proxy-"), () -> "hop-by-hop header went upstream: " + name);
			// The broker's own Accept-Encoding: identity (it relays bytes as they come) is not the agent's header.
			boolean brokersOwn = lower.equals(injectedHeader) || lower.equals("accept-encoding") && request.headers(name).equals(List.of("identity"));
			assertFalse(listed.contains(lower) && !brokersOwn, () -> "a header the Connection header lists went upstream: " + name);
			if (AgentKeyLocator.CREDENTIAL_HEADERS.contains(lower) || lower.equals(injectedHeader)) {
				assertEquals(injectedHeader, lower, () -> "an agent's credential header went upstream: " + name);
				assertEquals(List.of(switch (injection) {
					case Injection.Header h -> h.value(SECRET);
					case Injection.Basic b -> Credentials.basic(b.user(), SECRET, StandardCharsets.UTF_8);
					case Injection.Query _ -> "";
				}), request.headers(name));
			}
			for (String value : request.headers(name)) {
				assertFalse(value.contains(KEY) || value.contains(OTHER_KEY), () -> "an agent key went upstream in " + name);
				assertTrue(agentSentTheSecret || !value.contains(SECRET) || lower.equals(injectedHeader), () -> "the secret went upstream in " + name);
			}
		}
	}

	/** A header value as OkHttp accepts it: visible ASCII, space and tab (obs-text is issue 10, item 6). */
	private static String visible(String s) {
		return s.replaceAll("[^\\t\\x20-\\x7e]", "");
	}

	/**
	 * A request-target as Jetty delivers it: no space, TAB or other control character (Jetty answers 400 first).
	 * OkHttp drops a raw TAB, CR, LF or FF from an encoded path or query, so '\tkey=' would become 'key='.
	 */
	private static String inTarget(String s) {
		return s.replaceAll("[^\\x21-\\x7e]", "");
	}

	/** A header name as Jetty's parser accepts it: token characters only. */
	private static String token(String s) {
		return s.replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "");
	}
}
