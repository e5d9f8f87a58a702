package dev.amk.connections;

import dev.amk.common.AmkException;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaseUrlsTest {

	private static AmkException refused(String text) {
		AmkException e = assertThrows(AmkException.class, () -> BaseUrls.parse(text));
		assertEquals("invalid_argument", e.type());
		return e;
	}

	@ParameterizedTest
	@CsvSource({
			"https://api.openai.com, https://api.openai.com/",
			"https://api.openai.com/, https://api.openai.com/",
			"https://api.example.com/v1, https://api.example.com/v1",
			"https://api.example.com/v1/, https://api.example.com/v1",
			"https://api.example.com:8443/a/b/, https://api.example.com:8443/a/b",
			"HTTPS://API.Example.COM/V1, https://api.example.com/V1",
			"'  https://api.example.com/v1  ', https://api.example.com/v1",
	})
	void httpsIsAcceptedAndTheTrailingSlashRemoved(String text, String expected) {
		HttpUrl url = BaseUrls.parse(text);
		assertEquals(expected, url.toString());
		assertEquals("https", url.scheme());
	}

	@Test
	void theResultCanTakeARestPathWithoutDoubleSlash() {
		HttpUrl base = BaseUrls.parse("https://api.example.com/v1/");
		assertEquals("/v1", base.encodedPath());
		assertFalse((base.encodedPath() + "/models").contains("//"));
	}

	@ParameterizedTest
	@CsvSource({
			"http://127.0.0.1:8080, http://127.0.0.1:8080/",
			"http://127.0.0.1:8080/api/, http://127.0.0.1:8080/api",
			"http://localhost:11434/v1, http://localhost:11434/v1",
			"http://LOCALHOST/, http://localhost/",
			"http://127.1.2.3/x, http://127.1.2.3/x",
			"'http://[::1]:9000/', 'http://[::1]:9000/'",
	})
	void plainHttpIsAcceptedForThisMachine(String text, String expected) {
		assertEquals(expected, BaseUrls.parse(text).toString());
	}

	@ParameterizedTest
	@ValueSource(strings = {"http://api.openai.com", "http://10.0.0.1:8080", "http://192.168.1.10/v1", "http://localhost.evil.com/",
			"http://127.0.0.1.nip.io/", "http://example.com:80/v1", "http://[2001:db8::1]/", "http://0.0.0.0:8080/"})
	void plainHttpToAnotherHostIsRefused(String text) {
		assertTrue(refused(text).getMessage().contains("plain http"));
	}

	@ParameterizedTest
	@ValueSource(strings = {"https://user:pw@api.example.com", "https://user@api.example.com/v1", "https://:pw@api.example.com"})
	void userInfoIsRefused(String text) {
		assertTrue(refused(text).getMessage().contains("user or password"));
	}

	@ParameterizedTest
	@ValueSource(strings = {"https://api.example.com/v1?key=x", "https://api.example.com/?", "https://api.example.com/v1#frag",
			"https://api.example.com#"})
	void queryOrFragmentIsRefused(String text) {
		assertTrue(refused(text).getMessage().contains("query or fragment"));
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = {"garbage", "api.example.com/v1", "ftp://files.example.com", "file:///etc/passwd", "https://", "://x", "  "})
	void somethingThatIsNotAnHttpUrlIsRefused(String text) {
		assertTrue(refused(text).getMessage().contains("is not an http(s) URL"));
	}

	@ParameterizedTest
	@CsvSource({"localhost, true", "127.0.0.1, true", "127.255.0.1, true", "::1, true", "10.0.0.1, false", "example.com, false",
			"localhost.localdomain, false", "0.0.0.0, false"})
	void isLoopback(String host, boolean expected) {
		assertEquals(expected, BaseUrls.isLoopback(host));
	}
}
