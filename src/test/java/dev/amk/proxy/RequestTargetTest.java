package dev.amk.proxy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestTargetTest {

	@Nested
	@DisplayName("accepted paths")
	class Accepted {
		@Test
		void connectionAndRest() throws Exception {
			RequestTarget t = RequestTarget.parse("/openai/v1/models");
			assertEquals("openai", t.connection());
			assertEquals(List.of("v1", "models"), t.segments());
			assertEquals(List.of("v1", "models"), t.rawSegments());
			assertEquals("/v1/models", t.rawRestPath());
		}

		@Test
		void connectionAloneHasTheRootAsRest() throws Exception {
			RequestTarget t = RequestTarget.parse("/openai");
			assertEquals("openai", t.connection());
			assertEquals(List.of(), t.segments());
			assertEquals(List.of(), t.rawSegments());
			assertEquals("/", t.rawRestPath());
		}

		@Test
		void connectionWithTrailingSlashHasOneEmptySegment() throws Exception {
			RequestTarget t = RequestTarget.parse("/openai/");
			assertEquals("openai", t.connection());
			assertEquals(List.of(""), t.segments());
			assertEquals("/", t.rawRestPath());
		}

		@Test
		void trailingSlashIsKeptAsAnEmptyLastSegment() throws Exception {
			RequestTarget t = RequestTarget.parse("/github/repos/acme/");
			assertEquals(List.of("repos", "acme", ""), t.segments());
			assertEquals(List.of("repos", "acme", ""), t.rawSegments());
			assertEquals("/repos/acme/", t.rawRestPath());
		}

		@Test
		void percentEncodedSegmentsAreDecodedButKeptRawForForwarding() throws Exception {
			RequestTarget t = RequestTarget.parse("/gh/repos/my%20repo/caf%C3%A9/a%2Bb");
			assertEquals("gh", t.connection());
			assertEquals(List.of("repos", "my repo", "café", "a+b"), t.segments());
			assertEquals(List.of("repos", "my%20repo", "caf%C3%A9", "a%2Bb"), t.rawSegments());
			assertEquals("/repos/my%20repo/caf%C3%A9/a%2Bb", t.rawRestPath());
		}

		@Test
		void upperAndLowerCaseHexEscapesBothDecode() throws Exception {
			RequestTarget t = RequestTarget.parse("/c/%4a%4B");
			assertEquals(List.of("JK"), t.segments());
			assertEquals(List.of("%4a%4B"), t.rawSegments());
		}

		@Test
		void theConnectionSegmentIsDecoded() throws Exception {
			assertEquals("open-ai", RequestTarget.parse("/open%2Dai/x").connection());
		}

		@Test
		void plusIsNotASpaceInAPath() throws Exception {
			assertEquals(List.of("a+b"), RequestTarget.parse("/c/a+b").segments());
		}

		@ParameterizedTest
		@ValueSource(strings = {"/c/...", "/c/.well-known/x", "/c/a..b", "/c/..x", "/c/%2e%2e%2e", "/c/v1.0"})
		void dotsThatAreNotDotSegmentsAreFine(String path) throws Exception {
			RequestTarget t = RequestTarget.parse(path);
			assertEquals("c", t.connection());
			assertEquals(path.substring("/c".length()), t.rawRestPath());
		}

		@Test
		void nonAsciiTextWithoutEscapesIsKeptAsIs() throws Exception {
			assertEquals(List.of("café"), RequestTarget.parse("/c/café").segments());
		}

		@Test
		void supplementaryCharactersNextToAnEscapeSurviveDecoding() throws Exception {
			assertEquals(List.of("A\uD83D\uDE00"), RequestTarget.parse("/c/%41\uD83D\uDE00").segments());
		}
	}

	@Nested
	@DisplayName("refused paths")
	class Refusals {
		@ParameterizedTest
		@ValueSource(strings = {
				"/openai/..", "/openai/../x", "/openai/v1/../../admin", "/openai/.", "/openai/./v1",
				"/openai/%2e%2e", "/openai/%2E%2e", "/openai/%2E%2E/x", "/openai/.%2e", "/openai/%2e.", "/openai/%2e", "/openai/%2E/x",
		})
		void dotSegmentsPlainOrEncoded(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The path contains a '.' or '..' segment, which could escape the connection's base URL.", e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"/openai/a%2fb", "/openai/a%2Fb", "/openai/%2F", "/openai/a%5cb", "/openai/%5C..", "/openai/a%00b",
				"/openai/%00", "/openai/x/%2e%2e%2f%2e%2e"})
		void encodedSlashBackslashOrNul(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The path contains an encoded '/', '\\' or NUL, which upstream servers interpret inconsistently.", e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"/openai//v1", "/openai/v1//models", "/openai/v1//", "/openai///"})
		void interiorEmptySegments(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The path contains an empty segment ('//'); check the base URL your agent is configured with.", e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"/openai/%zz", "/openai/%4", "/openai/a%", "/openai/%%41", "/openai/x%g1", "/openai/v1/%4/x", "/op%zzenai/v1"})
		void malformedEscapes(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The path contains a malformed percent-escape.", e.getMessage());
		}

		@ParameterizedTest
		@ValueSource(strings = {"//evil.com/x", "/", "//", "//openai/v1"})
		void anEmptyConnectionName(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The path must start with a connection name, like /openai/v1/models.", e.getMessage());
		}

		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {"openai/v1", "http://evil.com/openai", "*"})
		void notAnOriginFormPath(String path) {
			RequestTarget.Refused e = assertThrows(RequestTarget.Refused.class, () -> RequestTarget.parse(path));
			assertEquals("The request target must be a path starting with '/', like /openai/v1/models.", e.getMessage());
		}
	}
}
