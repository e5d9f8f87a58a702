package dev.amk.proxy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import okhttp3.HttpUrl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever path an agent sends, what {@link RequestTarget} lets through stays below the connection's base URL:
 * no dot segment, no slash, backslash or NUL inside a segment, and the upstream URL built from the raw segments
 * decodes to exactly the segments that grants were checked against.
 */
class RequestTargetFuzzTest {
	private static final HttpUrl BASE = HttpUrl.get("https://api.example/v1/");

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({"/", "%2e", "%2E", "%2f", "%5c", "%00", "..", ".", "%25", "%C3%A9", "%", "\\", "//"})
	void whatPassesStaysBelowTheBaseUrl(@NotNull String input) {
		String rawPath = asJettyDeliversIt(input);
		RequestTarget target;
		try {
			target = RequestTarget.parse(rawPath);
		} catch (RequestTarget.Refused refused) {
			return;
		}
		assertFalse(target.connection().isEmpty());
		List<String> raw = target.rawSegments();
		List<String> decoded = target.segments();
		assertEquals(raw.size(), decoded.size());
		for (int i = 0; i < decoded.size(); i++) {
			String segment = decoded.get(i);
			assertFalse(segment.equals(".") || segment.equals(".."), () -> "dot segment from " + rawPath);
			assertTrue(segment.indexOf('/') < 0 && segment.indexOf('\\') < 0 && segment.indexOf('\0') < 0, () -> "separator inside a segment from " + rawPath);
			assertTrue(!segment.isEmpty() || i == decoded.size() - 1, () -> "empty segment in the middle from " + rawPath);
			assertEquals(referenceDecode(raw.get(i)), segment, () -> "decoded differently from a plain percent-decoder: " + rawPath);
		}
		assertEquals(raw.isEmpty() ? "/" : "/" + String.join("/", raw), target.rawRestPath());
		assertTrue(raw.isEmpty() || rawPath.endsWith(target.rawRestPath()));

		// What the upstream gets: the same segments, under the base path, on the same host.
		HttpUrl.Builder builder = BASE.newBuilder();
		raw.forEach(builder::addEncodedPathSegment);
		HttpUrl upstream = builder.build();
		assertEquals(BASE.host(), upstream.host());
		assertEquals(BASE.port(), upstream.port());
		List<String> upstreamSegments = upstream.pathSegments();
		assertEquals("v1", upstreamSegments.getFirst(), () -> "left the base path: " + upstream);
		List<String> expected = decoded.isEmpty() ? List.of("") : decoded;
		assertEquals(expected, upstreamSegments.subList(1, upstreamSegments.size()), () -> "upstream sees other segments than were checked: " + rawPath);
	}

	/**
	 * Jetty's parser refuses a request line whose target holds a control character, a space or DEL (400, before
	 * the broker sees it), and decodes the rest from UTF-8, so no unpaired surrogate arrives either. OkHttp drops a
	 * raw TAB, LF, FF or CR from an encoded segment, so the parser relies on Jetty for those.
	 */
	private static String asJettyDeliversIt(String input) {
		StringBuilder out = new StringBuilder(input.length());
		input.codePoints().filter(c -> c > 0x20 && c != 0x7f).forEach(out::appendCodePoint);
		return new String(out.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
	}

	/** An independent percent-decoder; '+' is a plain character in a path. */
	private static String referenceDecode(String raw) {
		return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
	}
}
