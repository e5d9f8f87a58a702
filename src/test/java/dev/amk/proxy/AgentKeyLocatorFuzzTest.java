package dev.amk.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.amk.agents.AgentKey;
import org.eclipse.jetty.http.HttpFields;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Among any other headers and query parameters, one agent key in any place an SDK puts it is found, two
 * different keys are refused, and a request with no credential at all is "missing", never a found key.
 */
class AgentKeyLocatorFuzzTest {
	private static final List<String> NAMES = List.of("authorization", "Authorization", "x-api-key", "X-Goog-Api-Key", "api-key", "proxy-authorization",
			"cookie", "x-amk", "accept", "key");
	private static final String KEY = AgentKey.generate();
	private static final String OTHER_KEY = AgentKey.generate();

	@FuzzTest(maxDuration = "10m")
	@DictionaryEntries({"Bearer ", "token ", "Basic ", "amk_", ":", "key=", "&", "%", "="})
	void oneKeyIsFoundTwoAreRefused(FuzzedDataProvider data) {
		int planted = data.consumeInt(0, 2);
		HttpFields.Mutable headers = HttpFields.build();
		StringBuilder query = new StringBuilder();
		boolean credentialSent = false;
		int noise = data.consumeInt(0, 6);
		for (int i = 0; i < noise; i++) {
			String name = data.consumeBoolean() ? data.pickValue(NAMES) : token(data.consumeString(12));
			String value = data.consumeString(60);
			if (data.consumeBoolean()) {
				query.append(query.isEmpty() ? "" : "&").append(data.consumeString(10)).append('=').append(value);
			} else if (!name.isEmpty()) {
				headers.add(name, value);
			}
		}
		// Noise may itself hold something amk_-shaped; the planted-key properties only hold without it.
		boolean cleanNoise = !headers.toString().contains(AgentKey.PREFIX) && !decodedBasicValues(headers).contains(AgentKey.PREFIX)
				&& !query.toString().toLowerCase().contains("amk") && !query.toString().contains("%");
		List<String> plantedKeys = new ArrayList<>();
		for (int i = 0; i < planted; i++) {
			String key = i == 0 ? KEY : OTHER_KEY;
			plantedKeys.add(key);
			credentialSent = true;
			switch (data.consumeInt(0, 7)) {
				case 0 -> headers.add("Authorization", "Bearer " + key);
				case 1 -> headers.add("authorization", "token " + key);
				// The other half of a Basic pair is no key (when both are amk_-shaped, the password wins: see AgentKeyLocator).
				case 2 -> headers.add("Authorization", basic(notAKey(data.consumeString(10)).replace(":", ""), key));
				case 3 -> headers.add("Authorization", basic(key, notAKey(data.consumeString(10))));
				case 4 -> headers.add("x-api-key", key);
				case 5 -> headers.add("x-goog-api-key", " " + key + " ");
				case 6 -> headers.add("api-key", key);
				default -> query.append(query.isEmpty() ? "" : "&").append("key=").append(key);
			}
		}
		List<QueryParameter> parameters = QueryParameter.parse(query.toString());
		AgentKeyLocator.Result result = AgentKeyLocator.locate(headers, parameters);

		boolean anyCredentialPlace = headers.stream().anyMatch(f -> AgentKeyLocator.CREDENTIAL_HEADERS.contains(f.getLowerCaseName())
				&& !f.getLowerCaseName().equals("proxy-authorization"))
				|| parameters.stream().anyMatch(p -> p.decodedName().equals(AgentKeyLocator.QUERY_PARAMETER));
		if (!anyCredentialPlace) {
			assertInstanceOf(AgentKeyLocator.Missing.class, result);
		}
		if (result instanceof AgentKeyLocator.Found(String key)) {
			String everything = headers + " " + parameters;
			assertTrue(everything.contains(key) || decodedBasicValues(headers).contains(key), () -> "found a key that was never sent: " + key);
		}
		if (cleanNoise && credentialSent) {
			if (plantedKeys.size() == 1) {
				assertEquals(new AgentKeyLocator.Found(KEY), result);
			} else {
				assertInstanceOf(AgentKeyLocator.Conflicting.class, result);
			}
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String decodedBasicValues(HttpFields headers) {
		StringBuilder all = new StringBuilder();
		for (var field : headers) {
			String value = field.getValue().strip();
			int space = value.indexOf(' ');
			if (space > 0) {
				try {
					all.append(new String(Base64.getDecoder().decode(value.substring(space + 1).strip()), StandardCharsets.UTF_8)).append('\n');
				} catch (IllegalArgumentException notBase64) {
					// not Basic credentials
				}
			}
		}
		return all.toString();
	}

	private static String notAKey(String s) {
		String out = s;
		while (out.contains(AgentKey.PREFIX)) {
			out = out.replace(AgentKey.PREFIX, "");
		}
		return out;
	}

	/** A header name as Jetty's parser would accept it: token characters only. */
	private static String token(String s) {
		return s.replaceAll("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "");
	}
}
