package dev.amk.ui.notify;

import dev.amk.audit.AuditEvent;
import dev.amk.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Throttling and wording of denial notifications (logic only; the registry is an empty in-memory one). */
class DeniedNotifierTest {
	final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
	final List<String> shown = new ArrayList<>();
	final AtomicBoolean enabled = new AtomicBoolean(true);
	final DeniedNotifier notifier = new DeniedNotifier(new dev.amk.access.AccessRegistry(null, Duration.ofMillis(20)),
			(title, message) -> shown.add(message), clock, enabled::get);

	private AuditEvent denied(String agent, String method, String path, String reason) {
		return new AuditEvent(0, clock.instant(), 1L, agent, "github", method, path, 403, AuditEvent.DENIED, reason, 1, 0, 0);
	}

	@Test
	@DisplayName("a denial becomes one notification that says who, what and why")
	void wording() {
		notifier.onEvents(List.of(denied("research-bot", "DELETE", "/repos/acme/api", "revoked_key")));
		assertEquals(List.of("research-bot was denied DELETE /repos/acme/api on github — the agent is revoked"), shown);
		assertEquals(clock.instant(), notifier.lastDenied());
	}

	@Test
	@DisplayName("a denied MCP tool call names the tool")
	void toolDenied() {
		notifier.onEvents(List.of(new AuditEvent(0, clock.instant(), 1L, "bot", "docs", "POST", "", 200, AuditEvent.DENIED, "tool_denied", 1, 0, 0,
				"tools/call", "delete_page")));
		assertEquals(List.of("bot was denied tools/call delete_page on docs — the tool is outside its grant"), shown);
	}

	@Test
	@DisplayName("a looping agent gets one notification a minute; the held-back count rides on the next one")
	void throttledPerAgent() {
		for (int i = 0; i < 50; i++) {
			notifier.onEvents(List.of(denied("loop-bot", "GET", "/x", "revoked_key")));
		}
		assertEquals(1, shown.size());
		clock.advance(Duration.ofSeconds(61));
		notifier.onEvents(List.of(denied("loop-bot", "GET", "/x", "revoked_key")));
		assertEquals(2, shown.size());
		assertTrue(shown.get(1).endsWith("(and 49 more denied requests)"), shown.get(1));
	}

	@Test
	@DisplayName("at most three notifications a minute across agents")
	void throttledOverall() {
		for (int i = 0; i < 10; i++) {
			notifier.onEvents(List.of(denied("bot-" + i, "GET", "/x", "revoked_key")));
		}
		assertEquals(3, shown.size());
	}

	@Test
	@DisplayName("allowed requests, unknown keys and a switched-off setting raise nothing")
	void quietCases() {
		notifier.onEvents(List.of(new AuditEvent(0, clock.instant(), 1L, "ok-bot", "github", "GET", "/x", 200, AuditEvent.ALLOWED, null, 1, 0, 0),
				new AuditEvent(0, clock.instant(), null, null, "github", "GET", "/x", 401, AuditEvent.DENIED, "unknown_key", 1, 0, 0)));
		assertTrue(shown.isEmpty());
		assertNull(notifier.lastDenied(), "unknown keys are not an alert");
		enabled.set(false);
		notifier.onEvents(List.of(denied("quiet-bot", "GET", "/x", "revoked_key")));
		assertTrue(shown.isEmpty());
		assertEquals(clock.instant(), notifier.lastDenied(), "the tray still shows the alert");
	}

	@Test
	@DisplayName("a decoy's use is an alarm: shown even with denial notices off and past the shared budget, with the pause action offered")
	void decoyAlarm() {
		enabled.set(false);
		List<String> offered = new ArrayList<>();
		notifier.onDecoy(offered::add);
		for (int i = 0; i < 5; i++) {
			notifier.onEvents(List.of(denied("bot-" + i, "GET", "/x", "revoked_key")));
		}
		notifier.onEvents(List.of(denied("trap", "GET", "/v1/models", "decoy_used"), denied("trap", "GET", "/v1/models", "decoy_used")));
		assertEquals(1, shown.size(), "once a minute per decoy");
		assertTrue(shown.getFirst().contains("decoy key 'trap'"), shown.getFirst());
		assertEquals(List.of("trap"), offered);
	}

	@Test
	@DisplayName("a tripwire hit says what happened")
	void tripwireWording() {
		notifier.onEvents(List.of(denied("coder", "POST", "/v1/chat", "secret_in_request")));
		assertEquals(List.of("coder was denied POST /v1/chat on github — the request carried a real secret or another agent's key"
				+ " (exfiltration tripwire)"), shown);
	}
}
