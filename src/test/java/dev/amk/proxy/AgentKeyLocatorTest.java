package dev.amk.proxy;

import dev.amk.agents.AgentKey;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentKeyLocatorTest {
	private String key;
	private String otherKey;

	@BeforeEach
	void keys() {
		key = AgentKey.generate();
		otherKey = AgentKey.generate();
		assertNotEquals(key, otherKey);
	}

	private static HttpFields headers(String... nameValues) {
		HttpFields.Mutable fields = HttpFields.build();
		for (int i = 0; i < nameValues.length; i += 2) {
			fields.add(nameValues[i], nameValues[i + 1]);
		}
		return fields;
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static AgentKeyLocator.Result locate(HttpFields headers, String rawQuery) {
		return AgentKeyLocator.locate(headers, QueryParameter.parse(rawQuery));
	}

	private static String found(AgentKeyLocator.Result result) {
		return assertInstanceOf(AgentKeyLocator.Found.class, result).key();
	}

	@Nested
	@DisplayName("where the key is found")
	class Places {
		@ParameterizedTest
		@ValueSource(strings = {"Bearer", "bearer", "BEARER", "token", "Token"})
		void authorizationSchemes(String scheme) {
			assertEquals(key, found(locate(headers("Authorization", scheme + " " + key), null)));
		}

		@Test
		void bearerWithExtraSpaces() {
			assertEquals(key, found(locate(headers("Authorization", "  Bearer   " + key + "  "), null)));
		}

		@Test
		void authorizationWithoutScheme() {
			assertEquals(key, found(locate(headers("Authorization", key), null)));
		}

		@Test
		void basicWithTheKeyAsPassword() {
			assertEquals(key, found(locate(headers("Authorization", basic("x-access-token", key)), null)));
		}

		@Test
		void basicWithTheKeyAsUser() {
			assertEquals(key, found(locate(headers("Authorization", basic(key, "")), null)));
			assertEquals(key, found(locate(headers("Authorization", basic(key, "ignored")), null)));
		}

		@Test
		void basicWithTheKeyAloneAndNoColon() {
			String value = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII));
			assertEquals(key, found(locate(headers("Authorization", value), null)));
		}

		@ParameterizedTest
		@ValueSource(strings = {"x-api-key", "X-Api-Key", "x-goog-api-key", "X-Goog-Api-Key", "api-key", "Api-Key"})
		void apiKeyHeaders(String header) {
			assertEquals(key, found(locate(headers(header, key), null)));
		}

		@Test
		void headerValuesAreStripped() {
			assertEquals(key, found(locate(headers("x-api-key", "  " + key + "\t"), null)));
		}

		@Test
		void keyQueryParameter() {
			assertEquals(key, found(locate(headers(), "alt=json&key=" + key)));
		}

		@Test
		void keyQueryParameterIsDecoded() {
			String encoded = key.replace("_", "%5F");
			assertEquals(key, found(locate(headers(), "key=" + encoded + "&x=1")));
		}

		@Test
		void otherQueryParametersAreNotCredentials() {
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers(), "api_key=" + key + "&token=" + key + "&KEY=" + key));
		}

		@Test
		void proxyAuthorizationIsNotACredentialForTheBroker() {
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers("Proxy-Authorization", "Bearer " + key), null));
		}

		@Test
		void websocketSubprotocolCarriesTheKey() {
			assertEquals(key, found(locate(headers("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key." + key
					+ ", openai-beta.realtime-v1"), null)));
			assertEquals(key, found(locate(headers("Sec-WebSocket-Protocol", "realtime", "Sec-WebSocket-Protocol",
					" OpenAI-Insecure-API-Key." + key), null)));
		}

		@Test
		void otherSubprotocolsAreNotCredentials() {
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers("Sec-WebSocket-Protocol", "realtime, openai-beta.realtime-v1"), null));
		}

		@Test
		void aSubprotocolKeyAndADifferentBearerConflict() {
			assertInstanceOf(AgentKeyLocator.Conflicting.class, locate(headers("Authorization", "Bearer " + otherKey,
					"Sec-WebSocket-Protocol", "openai-insecure-api-key." + key), null));
		}

		@Test
		void aForeignSubprotocolCredentialIsFoundAsItIs() {
			assertEquals("sk-real", found(locate(headers("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.sk-real"), null)));
		}

		@Test
		void unrelatedHeadersAreIgnored() {
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers("x-key", key, "Cookie", "key=" + key, "x-auth", key), null));
		}
	}

	@Nested
	@DisplayName("several credentials")
	class Several {
		@Test
		void twoDifferentKeysConflict() {
			assertInstanceOf(AgentKeyLocator.Conflicting.class,
					locate(headers("Authorization", "Bearer " + key, "x-api-key", otherKey), null));
		}

		@Test
		void aHeaderKeyAndADifferentQueryKeyConflict() {
			assertInstanceOf(AgentKeyLocator.Conflicting.class, locate(headers("x-goog-api-key", key), "key=" + otherKey));
		}

		@Test
		void twoDifferentQueryKeysConflict() {
			assertInstanceOf(AgentKeyLocator.Conflicting.class, locate(headers(), "key=" + key + "&key=" + otherKey));
		}

		@Test
		void twoAuthorizationHeadersWithDifferentKeysConflict() {
			assertInstanceOf(AgentKeyLocator.Conflicting.class,
					locate(headers("Authorization", "Bearer " + key, "Authorization", basic("u", otherKey)), null));
		}

		@Test
		void theSameKeyInSeveralPlacesIsFound() {
			AgentKeyLocator.Result r = locate(headers("Authorization", "Bearer " + key, "x-api-key", key, "api-key", key,
					"x-goog-api-key", key), "key=" + key);
			assertEquals(key, found(r));
		}

		@Test
		void anAgentKeyWinsOverAForeignCredential() {
			assertEquals(key, found(locate(headers("Authorization", "Bearer sk-real-secret", "x-api-key", key), null)));
			assertEquals(key, found(locate(headers("x-api-key", key, "Authorization", "Bearer sk-real-secret"), null)));
		}

		@Test
		void aMalformedAmkValueStillCountsAsAnAgentKey() {
			// Anything amk_-shaped is treated as a key (so it is never forwarded); two of them conflict.
			assertInstanceOf(AgentKeyLocator.Conflicting.class, locate(headers("Authorization", "Bearer " + key, "x-api-key", "amk_typo"), null));
			assertEquals("amk_typo", found(locate(headers("x-api-key", "amk_typo"), null)));
		}
	}

	@Nested
	@DisplayName("no agent key")
	class NoKey {
		@Test
		void noCredentialIsMissing() {
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers("Accept", "application/json"), "alt=json"));
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers(), null));
			assertInstanceOf(AgentKeyLocator.Missing.class, locate(headers(), ""));
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', value = {
				"Authorization | Bearer sk-proj-123 | sk-proj-123",
				"Authorization | token ghp_abc | ghp_abc",
				"x-api-key | sk-ant-xyz | sk-ant-xyz",
				"x-goog-api-key | AIzaSy123 | AIzaSy123",
				"api-key | azure-key | azure-key",
		})
		void aForeignCredentialIsFoundAsItIs(String header, String value, String expected) {
			assertEquals(expected, found(locate(headers(header, value), null)));
		}

		@Test
		void aForeignBasicCredentialYieldsThePassword() {
			assertEquals("hunter2", found(locate(headers("Authorization", basic("alice", "hunter2")), null)));
		}

		@Test
		void undecodableBasicYieldsTheRawCredentials() {
			assertEquals("not*base64!", found(locate(headers("Authorization", "Basic not*base64!"), null)));
		}

		@Test
		void aForeignQueryKeyIsFound() {
			assertEquals("AIza secret", found(locate(headers(), "key=AIza%20secret")));
		}
	}

	@Nested
	@DisplayName("QueryParameter")
	class Query {
		@ParameterizedTest
		@ValueSource(strings = {"a=1", "key=amk%5Fx&alt=json", "q=a+b%20c&empty=&flag", "a=1&&b=2", "a=1&", "&", "x=%zz&y=%E2%82%AC",
				"redirect=https%3A%2F%2Fexample.com%2F%3Fa%3Db"})
		void joinRebuildsTheRawQuery(String raw) {
			assertEquals(raw, QueryParameter.join(QueryParameter.parse(raw)));
		}

		@ParameterizedTest
		@NullAndEmptySource
		void emptyQueryHasNoParameters(String raw) {
			assertTrue(QueryParameter.parse(raw).isEmpty());
			assertNull(QueryParameter.join(QueryParameter.parse(raw)));
		}

		@Test
		void partsKeepRawTextAndDecodedNameAndValue() {
			List<QueryParameter> params = QueryParameter.parse("na%6De=a+b%20c&flag&x=%E2%82%AC&bad=%zz&k=v=w");
			assertEquals(5, params.size());
			assertEquals(new QueryParameter("na%6De=a+b%20c", "name", "a b c"), params.get(0));
			assertEquals(new QueryParameter("flag", "flag", ""), params.get(1));
			assertEquals(new QueryParameter("x=%E2%82%AC", "x", "€"), params.get(2));
			assertEquals(new QueryParameter("bad=%zz", "bad", "%zz"), params.get(3));
			assertEquals(new QueryParameter("k=v=w", "k", "v=w"), params.get(4));
		}

		@Test
		void removingAParameterKeepsTheOthersRaw() {
			List<QueryParameter> kept = QueryParameter.parse("alt=json&key=amk_x&q=%2Fa%2Bb").stream()
					.filter(p -> !p.decodedName().equals("key")).toList();
			assertEquals("alt=json&q=%2Fa%2Bb", QueryParameter.join(kept));
		}
	}
}
