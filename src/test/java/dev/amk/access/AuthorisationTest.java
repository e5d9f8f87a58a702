package dev.amk.access;

import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.amk.access.SnapshotBuilder.callerOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorisationTest {
	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
	private static final String KEY = AgentKey.generate();

	private static Target target(String connection, String method, String... segments) {
		return new Target(connection, method, List.of(segments));
	}

	private static Authorisation.Verdict decide(AccessSnapshot snapshot, Target target, Instant now) {
		return Authorisation.authorise(snapshot, callerOf(snapshot, KEY), target, now);
	}

	private static Refusal refused(ErrorType type, Authorisation.Verdict verdict) {
		Refusal refusal = assertInstanceOf(Refusal.class, verdict);
		assertEquals(type, refusal.type(), refusal.message());
		assertEquals(type.httpStatus(), refusal.status());
		assertTrue(!refusal.message().contains(KEY), "a refusal never quotes the key");
		return refusal;
	}

	@Test
	@DisplayName("a full grant allows any method and path on its connection, and names the connection and rule")
	void fullGrant() {
		AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai").build();
		Authorisation.Allowed allowed = assertInstanceOf(Authorisation.Allowed.class,
				decide(snapshot, target("openai", "DELETE", "v1", "files", "x"), NOW));
		assertSame(snapshot.connection("openai"), allowed.connection());
		assertEquals("coder", allowed.agent().agent().name());
		assertEquals(dev.amk.agents.GrantRule.FULL, allowed.rule());
	}

	@Nested
	@DisplayName("the caller")
	class TheCaller {
		@Test
		@DisplayName("identified in an older snapshot but rotated or deleted since: unknown_key")
		void keyNoLongerInTheSnapshot() {
			AccessSnapshot before = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai").build();
			AccessSnapshot rotated = new SnapshotBuilder().connection("openai").agent(1, "coder", AgentKey.generate(), "openai").build();
			AccessSnapshot deleted = new SnapshotBuilder().connection("openai").build();
			Caller caller = callerOf(before, KEY);
			refused(ErrorType.UNKNOWN_KEY, Authorisation.authorise(rotated, caller, target("openai", "GET"), NOW));
			refused(ErrorType.UNKNOWN_KEY, Authorisation.authorise(deleted, caller, target("openai", "GET"), NOW));
		}

		@Test
		@DisplayName("decided on the newer snapshot's agent, not on the one the caller was identified as")
		void readsTheNewerSnapshot() {
			AccessSnapshot before = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai").build();
			AccessSnapshot revoked = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, NOW, null, "openai").build();
			refused(ErrorType.REVOKED_KEY, Authorisation.authorise(revoked, callerOf(before, KEY), target("openai", "GET"), NOW));
		}

		@Test
		@DisplayName("revoked: revoked_key, saying how to restore it")
		void revoked() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai")
					.agent(1, "coder", KEY, NOW.minusSeconds(60), null, "openai").build();
			Refusal refusal = refused(ErrorType.REVOKED_KEY, decide(snapshot, target("openai", "GET"), NOW));
			assertTrue(refusal.message().contains("amk agent enable coder"), refusal.message());
		}

		@Test
		@DisplayName("revoked and expired: revoked_key, the person's own act first")
		void revokedBeforeExpired() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai")
					.agent(1, "coder", KEY, NOW.minusSeconds(60), NOW.minusSeconds(60), "openai").build();
			refused(ErrorType.REVOKED_KEY, decide(snapshot, target("openai", "GET"), NOW));
		}

		@ParameterizedTest(name = "{0} ms after expiry: {1}")
		@CsvSource({"-1, true", "0, false", "1, false"})
		@DisplayName("expiry: usable until the instant it expires, refused from that instant on")
		void expiryBoundary(long millisAfterExpiry, boolean allowed) {
			Instant expiresAt = NOW.plus(Duration.ofHours(1));
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, null, expiresAt, "openai").build();
			Authorisation.Verdict verdict = decide(snapshot, target("openai", "GET"), expiresAt.plusMillis(millisAfterExpiry));
			if (allowed) {
				assertInstanceOf(Authorisation.Allowed.class, verdict);
			} else {
				assertTrue(refused(ErrorType.EXPIRED_KEY, verdict).message().contains(expiresAt.toString()));
			}
		}
	}

	@Nested
	@DisplayName("the target")
	class TheTarget {
		@Test
		@DisplayName("a connection that does not exist: unknown_connection, even with a grant left for that name")
		void unknownConnection() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai", "gone").build();
			Refusal refusal = refused(ErrorType.UNKNOWN_CONNECTION, decide(snapshot, target("gone", "GET"), NOW));
			assertTrue(refusal.message().contains("'gone'"), refusal.message());
		}

		@Test
		@DisplayName("a connection without a grant: scope_denied, listing what the agent may reach")
		void noGrant() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").connection("github").agent(1, "coder", KEY, "openai").build();
			Refusal refusal = refused(ErrorType.SCOPE_DENIED, decide(snapshot, target("github", "GET", "user"), NOW));
			assertTrue(refusal.message().contains("no grant for connection 'github'") && refusal.message().contains("openai"),
					refusal.message());
		}

		@ParameterizedTest(name = "{0} under a read grant: allowed={1}")
		@CsvSource({"GET, true", "HEAD, true", "OPTIONS, true", "POST, false", "PUT, false", "PATCH, false", "DELETE, false", "get, false"})
		@DisplayName("a read grant allows exactly GET, HEAD and OPTIONS")
		void readGrantMethods(String method, boolean allowed) {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("github").agent(1, "coder", KEY, "github:read").build();
			Authorisation.Verdict verdict = decide(snapshot, target("github", method, "repos"), NOW);
			if (allowed) {
				assertInstanceOf(Authorisation.Allowed.class, verdict);
			} else {
				Refusal refusal = refused(ErrorType.SCOPE_DENIED, verdict);
				assertTrue(refusal.message().contains("read-only") && refusal.message().contains("GET, HEAD, OPTIONS"), refusal.message());
			}
		}

		@ParameterizedTest(name = "{0} {1}: allowed={2}")
		@CsvSource({"POST, v1/chat/completions, true", "GET, v1/chat/x, true", "GET, v2/chat/x, false", "POST, v1/files, false", "DELETE, v1/chat/x, false"})
		@DisplayName("a custom grant checks the method, then the path")
		void customGrant(String method, String path, boolean allowed) {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai:GET,POST:/v1/chat/**").build();
			Authorisation.Verdict verdict = decide(snapshot, target("openai", method, path.split("/")), NOW);
			if (allowed) {
				assertInstanceOf(Authorisation.Allowed.class, verdict);
			} else {
				refused(ErrorType.SCOPE_DENIED, verdict);
			}
		}

		@Test
		@DisplayName("a path outside the grant is named in the refusal")
		void pathOutside() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai:GET:/v1/models/**").build();
			Refusal refusal = refused(ErrorType.SCOPE_DENIED, decide(snapshot, target("openai", "GET", "v1", "files"), NOW));
			assertTrue(refusal.message().contains("/v1/models/**") && refusal.message().contains("/v1/files is outside"), refusal.message());
		}

		@Test
		@DisplayName("a method outside a custom grant is refused before its path is looked at")
		void methodBeforePath() {
			AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai:GET:/v1/models/**").build();
			Refusal refusal = refused(ErrorType.SCOPE_DENIED, decide(snapshot, target("openai", "POST", "v1", "files"), NOW));
			assertTrue(refusal.message().contains("POST is not allowed"), refusal.message());
		}
	}

	@Nested
	@DisplayName("approval rules")
	class ApprovalRules {
		private final AccessSnapshot snapshot = new SnapshotBuilder().connection("github").connection("openai")
				.agent(1, "coder", KEY, "github", "github:ask:PUT:/repos/**", "github:ask:*:/repos/acme/**", "openai", "openai:ask:DELETE:/**")
				.build();

		@Test
		@DisplayName("the first rule that covers the request decides, before the grant that would allow it")
		void firstCoveringRuleFirst() {
			Authorisation.Allowed merge = assertInstanceOf(Authorisation.Allowed.class,
					decide(snapshot, target("github", "PUT", "repos", "acme", "x", "merge"), NOW));
			assertEquals(dev.amk.agents.GrantRule.parse("ask:PUT:/repos/**"), merge.rule());
			Authorisation.Allowed read = assertInstanceOf(Authorisation.Allowed.class,
					decide(snapshot, target("github", "GET", "repos", "acme", "x"), NOW));
			assertEquals(dev.amk.agents.GrantRule.parse("ask:*:/repos/acme/**"), read.rule());
		}

		@Test
		@DisplayName("a request no rule covers goes by the grant; a rule on another connection does not apply")
		void otherwiseTheGrant() {
			Authorisation.Allowed user = assertInstanceOf(Authorisation.Allowed.class, decide(snapshot, target("github", "GET", "user"), NOW));
			assertEquals(dev.amk.agents.GrantRule.FULL, user.rule());
			Authorisation.Allowed delete = assertInstanceOf(Authorisation.Allowed.class,
					decide(snapshot, target("github", "DELETE", "gists", "1"), NOW));
			assertEquals(dev.amk.agents.GrantRule.FULL, delete.rule());
			Authorisation.Allowed openai = assertInstanceOf(Authorisation.Allowed.class,
					decide(snapshot, target("openai", "DELETE", "v1", "files", "f"), NOW));
			assertEquals(dev.amk.agents.GrantRule.parse("ask:DELETE:/**"), openai.rule());
		}
	}
}
