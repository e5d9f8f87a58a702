package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.Caller;
import dev.amk.access.SnapshotBuilder;
import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CallerIdentificationTest {
	private static final String KEY = AgentKey.generate();
	private static final AccessSnapshot SNAPSHOT = new SnapshotBuilder().connection("openai").agent(7, "coder", KEY, "openai").build();

	private static void refused(ErrorType type, String presented) {
		Refused refused = assertThrows(Refused.class, () -> CallerIdentification.identify(presented, SNAPSHOT));
		assertEquals(type, refused.refusal().type(), refused.refusal().message());
		if (presented != null && !presented.isEmpty()) {
			assertFalse(refused.refusal().message().contains(presented), "a refusal never quotes what was presented");
		}
	}

	@Test
	@DisplayName("a known key identifies its agent, by the key's hash")
	void knownKey() throws Refused {
		Caller caller = CallerIdentification.identify(KEY, SNAPSHOT);
		assertEquals(7, caller.agentId());
		assertEquals("coder", caller.agentName());
		assertEquals(AgentKey.hash(KEY), caller.keyHash());
	}

	@Test
	@DisplayName("no key at all: invalid_key, saying where a key is looked for")
	void missing() {
		Refused refused = assertThrows(Refused.class, () -> CallerIdentification.identify(null, SNAPSHOT));
		assertEquals(ErrorType.INVALID_KEY, refused.refusal().type());
		assertEquals(401, refused.refusal().status());
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "sk-real-provider-key-0123456789", "amk_short", "amk_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"})
	@DisplayName("anything not shaped like an agent key: invalid_key")
	void malformed(String presented) {
		refused(ErrorType.INVALID_KEY, presented);
	}

	@Test
	@DisplayName("a typo (checksum mismatch): invalid_key, told apart from an unknown key")
	void badChecksum() {
		char last = KEY.charAt(KEY.length() - 1);
		String typo = KEY.substring(0, KEY.length() - 1) + (last == 'a' ? 'b' : 'a');
		assertEquals(AgentKey.Shape.BAD_CHECKSUM, AgentKey.shape(typo));
		Refused refused = assertThrows(Refused.class, () -> CallerIdentification.identify(typo, SNAPSHOT));
		assertEquals(ErrorType.INVALID_KEY, refused.refusal().type());
		assertEquals(true, refused.refusal().message().contains("checksum"));
	}

	@Test
	@DisplayName("a well-formed key this broker never issued (or rotated away, or deleted): unknown_key")
	void unknown() {
		refused(ErrorType.UNKNOWN_KEY, AgentKey.generate());
	}

	@Test
	@DisplayName("identification does not judge liveness: a revoked agent is identified, and Authorisation refuses it")
	void revokedIsStillIdentified() throws Refused {
		AccessSnapshot revoked = new SnapshotBuilder().connection("openai").agent(7, "coder", KEY, java.time.Instant.EPOCH, null, "openai")
				.build();
		assertEquals(7, CallerIdentification.identify(KEY, revoked).agentId());
	}
}
