package dev.amk.proxy;

import dev.amk.common.ErrorType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestValidationTest {
	private static final int PORT = 9323;

	@Nested
	@DisplayName("framing")
	class Framing {
		@Test
		@DisplayName("no Transfer-Encoding, or exactly 'chunked' in any case, passes")
		void plainOrChunked() {
			assertDoesNotThrow(() -> RequestValidation.checkFraming(List.of()));
			assertDoesNotThrow(() -> RequestValidation.checkFraming(List.of("chunked")));
			assertDoesNotThrow(() -> RequestValidation.checkFraming(List.of(" Chunked ")));
		}

		@ParameterizedTest
		@ValueSource(strings = {"gzip", "gzip, chunked", "identity", "chunked, chunked"})
		@DisplayName("any other coding is bad_request, and the connection is closed after the answer")
		void otherCodings(String coding) {
			Refused refused = assertThrows(Refused.class, () -> RequestValidation.checkFraming(List.of(coding)));
			assertEquals(ErrorType.BAD_REQUEST, refused.refusal().type());
			assertTrue(refused.closesConnection());
		}

		@Test
		@DisplayName("two Transfer-Encoding headers are refused even when both say chunked")
		void twoHeaders() {
			Refused refused = assertThrows(Refused.class, () -> RequestValidation.checkFraming(List.of("chunked", "chunked")));
			assertTrue(refused.closesConnection());
		}
	}

	@Nested
	@DisplayName("Host")
	class Host {
		@Test
		@DisplayName("one loopback Host with the broker's port passes, with or without a matching absolute-form authority")
		void loopback() {
			assertDoesNotThrow(() -> RequestValidation.checkHost(List.of("127.0.0.1:" + PORT), null, PORT));
			assertDoesNotThrow(() -> RequestValidation.checkHost(List.of("localhost:" + PORT), "localhost:" + PORT, PORT));
		}

		@Test
		@DisplayName("no Host, or two: bad_request; the connection stays usable")
		void missingOrDuplicate() {
			Refused none = assertThrows(Refused.class, () -> RequestValidation.checkHost(List.of(), null, PORT));
			assertEquals(ErrorType.BAD_REQUEST, none.refusal().type());
			assertFalse(none.closesConnection());
			Refused two = assertThrows(Refused.class,
					() -> RequestValidation.checkHost(List.of("127.0.0.1:" + PORT, "127.0.0.1:" + PORT), null, PORT));
			assertEquals(ErrorType.BAD_REQUEST, two.refusal().type());
		}

		@Test
		@DisplayName("a foreign Host, or a foreign authority in the request target: bad_host (421)")
		void foreign() {
			Refused host = assertThrows(Refused.class, () -> RequestValidation.checkHost(List.of("evil.example:" + PORT), null, PORT));
			assertEquals(ErrorType.BAD_HOST, host.refusal().type());
			assertEquals(421, host.refusal().status());
			Refused authority = assertThrows(Refused.class,
					() -> RequestValidation.checkHost(List.of("127.0.0.1:" + PORT), "api.openai.com:443", PORT));
			assertEquals(ErrorType.BAD_HOST, authority.refusal().type());
		}
	}
}
