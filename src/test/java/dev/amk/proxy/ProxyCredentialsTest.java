package dev.amk.proxy;

import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProxyCredentialsTest {
	private static HttpFields basic(String userAndPassword) {
		return HttpFields.build().add("Proxy-Authorization", "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
	}

	private static ErrorType refusal(HttpFields headers) {
		return assertThrows(Refused.class, () -> ProxyCredentials.presentedKey(headers)).refusal().type();
	}

	@Test
	@DisplayName("the key is the Basic password; the user name is free, and a key given as the user name is accepted too")
	void password() throws Refused {
		assertEquals("amk_abc", ProxyCredentials.presentedKey(basic("coder:amk_abc")));
		assertEquals("amk_abc", ProxyCredentials.presentedKey(basic("amk_abc:")));
		assertEquals("amk_abc", ProxyCredentials.presentedKey(basic("amk_abc:x")));
		assertEquals("wrong", ProxyCredentials.presentedKey(basic("coder:wrong")), "a non-key is passed on, for identification to refuse");
	}

	@Test
	@DisplayName("absent: proxy_auth_required; not Basic, not base64 or twice: invalid_key")
	void refusals() {
		assertEquals(ErrorType.PROXY_AUTH_REQUIRED, refusal(HttpFields.EMPTY));
		assertEquals(ErrorType.INVALID_KEY, refusal(HttpFields.build().add("Proxy-Authorization", "Bearer amk_abc")));
		assertEquals(ErrorType.INVALID_KEY, refusal(HttpFields.build().add("Proxy-Authorization", "Basic %%%")));
		assertEquals(ErrorType.INVALID_KEY, refusal(HttpFields.build().add(basic("a:amk_1").getField(0)).add(basic("a:amk_2").getField(0))));
		assertEquals(407, ErrorType.PROXY_AUTH_REQUIRED.httpStatus());
	}
}
