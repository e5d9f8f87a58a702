package dev.amk.providers;

import dev.amk.common.AmkException;
import dev.amk.common.InvalidInput;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InjectionTest {

	private static void assertInvalid(Runnable construction) {
		AmkException e = assertThrows(AmkException.class, construction::run);
		assertEquals("invalid_argument", e.type());
	}

	@Nested
	@DisplayName("Header")
	class HeaderInjection {
		@Test
		void valueFillsTheTemplate() {
			assertEquals("Bearer s3cr3t", new Injection.Header("Authorization", "Bearer {secret}").value("s3cr3t"));
			assertEquals("s3cr3t", new Injection.Header("x-api-key", "{secret}").value("s3cr3t"));
			assertEquals("k=ab;k2=ab", new Injection.Header("X-Custom", "k={secret};k2={secret}").value("ab"));
		}

		@Test
		void valueTakesTheSecretLiterally() {
			assertEquals("Bearer $1\\{secret}", new Injection.Header("Authorization", "Bearer {secret}").value("$1\\{secret}"));
		}

		@Test
		void describeAndKind() {
			Injection.Header h = new Injection.Header("Authorization", "Bearer {secret}");
			assertEquals("header Authorization: Bearer {secret}", h.describe());
			assertEquals("header", h.kind());
		}

		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {"Bearer", "Bearer {SECRET}", "Bearer {secret", "Bearer secret}", "{ secret }"})
		void theFormatNeedsThePlaceholder(String format) {
			assertInvalid(() -> new Injection.Header("Authorization", format));
		}

		@ParameterizedTest
		@ValueSource(strings = {"Bearer {secret}\r\nX-Evil: 1", "Bearer {secret}\n", "\tBearer {secret}", "Bearer {secret}\u0000",
				"Bearer {secret}\u007f"})
		void theFormatMayNotHoldControlCharacters(String format) {
			assertInvalid(() -> new Injection.Header("Authorization", format));
		}

		@ParameterizedTest
		@ValueSource(strings = {"Host", "host", "HOST", "Content-Length", "content-length", "Transfer-Encoding", "Connection"})
		void framingHeadersAreRefused(String name) {
			AmkException e = assertThrows(AmkException.class, () -> new Injection.Header(name, "{secret}"));
			assertTrue(e.getMessage().contains("framing"), e.getMessage());
		}

		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {"X Api Key", "x-api-key:", "x-api-key\r\n", "Authorizätion", "(key)", "a/b"})
		void invalidHeaderNamesAreRefused(String name) {
			assertInvalid(() -> new Injection.Header(name, "{secret}"));
		}

		@ParameterizedTest
		@ValueSource(strings = {"x-api-key", "X-Goog-Api-Key", "api-key", "Private-Token", "x_key", "A1!#$%&'*+.^_`|~-"})
		void tokenHeaderNamesAreAccepted(String name) {
			assertEquals(name, new Injection.Header(name, "{secret}").name());
		}

		@Test
		void printableNonAsciiInTheFormatIsAllowed() {
			assertEquals("Clé abc", new Injection.Header("X-K", "Clé {secret}").value("abc"));
		}
	}

	@Nested
	@DisplayName("Query and Basic")
	class QueryAndBasic {
		@ParameterizedTest
		@ValueSource(strings = {"key", "api_key", "access-token", "a.b~c", "KEY1"})
		void validQueryParameters(String name) {
			Injection.Query q = new Injection.Query(name);
			assertEquals(name, q.parameter());
			assertEquals("query", q.kind());
			assertEquals("query parameter " + name, q.describe());
		}

		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {" ", "a b", "a=b", "a&b", "key?", "k%20", "ключ", "a#b"})
		void invalidQueryParameters(String name) {
			assertInvalid(() -> new Injection.Query(name));
		}

		@ParameterizedTest
		@ValueSource(strings = {"x-access-token", "api", "user name", "me@example.com"})
		void validBasicUsers(String user) {
			Injection.Basic b = new Injection.Basic(user);
			assertEquals(user, b.user());
			assertEquals("basic", b.kind());
			assertEquals("HTTP Basic as " + user, b.describe());
		}

		@ParameterizedTest
		@NullSource
		@ValueSource(strings = {"a:b", ":", "user\n", "\tuser", "us\u0000er"})
		void invalidBasicUsers(String user) {
			assertInvalid(() -> new Injection.Basic(user));
		}

		@Test
		void anEmptyBasicUserIsRefused() {
			assertInvalid(() -> new Injection.Basic(""));
		}
	}

	@Nested
	@DisplayName("fromColumns()")
	class Columns {
		static Stream<Injection> injections() {
			return Stream.of(new Injection.Header("Authorization", "Bearer {secret}"), new Injection.Header("x-api-key", "{secret}"),
					new Injection.Query("key"), new Injection.Basic("x-access-token"));
		}

		@ParameterizedTest
		@MethodSource("injections")
		void roundTrip(Injection injection) {
			Injection back = Injection.fromColumns(injection.kind(), Injection.nameColumn(injection), Injection.formatColumn(injection));
			assertEquals(injection, back);
		}

		@Test
		void columnsOfEachKind() {
			Injection.Header h = new Injection.Header("Authorization", "Bearer {secret}");
			assertEquals("Authorization", Injection.nameColumn(h));
			assertEquals("Bearer {secret}", Injection.formatColumn(h));
			assertEquals("key", Injection.nameColumn(new Injection.Query("key")));
			assertNull(Injection.formatColumn(new Injection.Query("key")));
			assertEquals("bob", Injection.nameColumn(new Injection.Basic("bob")));
			assertNull(Injection.formatColumn(new Injection.Basic("bob")));
		}

		@Test
		void storedColumnsAreValidatedAgain() {
			assertInvalid(() -> Injection.fromColumns("header", "Host", "{secret}"));
			assertInvalid(() -> Injection.fromColumns("header", "x-api-key", "no placeholder"));
			assertInvalid(() -> Injection.fromColumns("query", "a b", null));
		}

		@Test
		void anUnknownKindIsAnError() {
			assertThrows(IllegalStateException.class, () -> Injection.fromColumns("cookie", "session", null));
		}
	}

	@Nested
	@DisplayName("each refusal names its field")
	class Fields {
		private static InvalidInput.Field fieldOf(Runnable construction) {
			return assertThrows(InvalidInput.class, construction::run).field();
		}

		@Test
		void header() {
			assertEquals(InvalidInput.Field.HEADER, fieldOf(() -> new Injection.Header("X Key", "{secret}")));
			assertEquals(InvalidInput.Field.HEADER, fieldOf(() -> new Injection.Header("Host", "{secret}")));
			assertEquals(InvalidInput.Field.FORMAT, fieldOf(() -> new Injection.Header("X-Key", "Bearer")));
			assertEquals(InvalidInput.Field.FORMAT, fieldOf(() -> new Injection.Header("X-Key", "{secret}\u007f")));
		}

		@Test
		void queryAndBasic() {
			assertEquals(InvalidInput.Field.QUERY_PARAMETER, fieldOf(() -> new Injection.Query("a b")));
			assertEquals(InvalidInput.Field.BASIC_USER, fieldOf(() -> new Injection.Basic("a:b")));
		}

		@Test
		@DisplayName("DEL is a control character for the Basic user too, as it is for the header format")
		void deleteInBasicUser() {
			assertEquals(InvalidInput.Field.BASIC_USER, fieldOf(() -> new Injection.Basic("user\u007f")));
			assertEquals(InvalidInput.Field.BASIC_USER, fieldOf(() -> new Injection.Basic("user\u0009")));
		}
	}
}
