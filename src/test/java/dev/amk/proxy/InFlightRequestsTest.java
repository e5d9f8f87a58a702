package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.SnapshotBuilder;
import dev.amk.access.Target;
import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import dev.amk.testing.MutableClock;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-checks driven by hand through {@link InFlightRequests#onSnapshot}; the sweeper is set far enough apart
 * never to run during a test, and calls are never executed, only cancelled.
 */
class InFlightRequestsTest {
	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
	private static final Duration NEVER = Duration.ofHours(1);

	private final OkHttpClient client = new OkHttpClient();
	private final MutableClock clock = new MutableClock(T0);
	private final String coderKey = AgentKey.generate();
	private final String otherKey = AgentKey.generate();
	private InFlightRequests inFlight;

	@AfterEach
	void close() {
		if (inFlight != null) {
			inFlight.close();
		}
	}

	private InFlightRequests inFlight(AccessSnapshot initial) {
		inFlight = new InFlightRequests(clock, () -> initial, NEVER, NEVER, NEVER);
		return inFlight;
	}

	private InFlightRequests.Entry running(AccessSnapshot snapshot, String key, String connection, String method, String... segments) {
		InFlightRequests.Entry entry = new InFlightRequests.Entry(SnapshotBuilder.callerOf(snapshot, key), new Target(connection, method,
				List.of(segments)));
		entry.attach(client.newCall(new Request.Builder().url("http://127.0.0.1:9/").build()));
		inFlight.add(entry);
		return entry;
	}

	private static void assertRunning(InFlightRequests.Entry entry) {
		assertNull(entry.cut);
		assertFalse(entry.call.isCanceled());
	}

	private static void assertCut(InFlightRequests.Entry entry, ErrorType why) {
		assertEquals(InFlightRequests.Cut.ACCESS_ENDED, entry.cut);
		assertEquals(why, entry.refusal.type());
		assertTrue(entry.call.isCanceled());
	}

	private SnapshotBuilder base() {
		return new SnapshotBuilder().connection("openai").connection("github");
	}

	@Test
	@DisplayName("revoking an agent cuts its running requests and leaves another agent's alone")
	void revoke() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai").agent(2, "other", otherKey, "openai").build();
		inFlight(before);
		InFlightRequests.Entry coder = running(before, coderKey, "openai", "POST", "v1", "chat");
		InFlightRequests.Entry other = running(before, otherKey, "openai", "POST", "v1", "chat");
		inFlight.onSnapshot(base().agent(1, "coder", coderKey, T0, null, "openai").agent(2, "other", otherKey, "openai").build());
		assertCut(coder, ErrorType.REVOKED_KEY);
		assertRunning(other);
	}

	@Test
	@DisplayName("rotating or deleting an agent cuts its running requests: the old key is unknown")
	void rotateAndDelete() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai").agent(2, "other", otherKey, "openai").build();
		inFlight(before);
		InFlightRequests.Entry coder = running(before, coderKey, "openai", "GET");
		InFlightRequests.Entry other = running(before, otherKey, "openai", "GET");
		inFlight.onSnapshot(base().agent(1, "coder", AgentKey.generate(), "openai").build());
		assertCut(coder, ErrorType.UNKNOWN_KEY);
		assertCut(other, ErrorType.UNKNOWN_KEY);
	}

	@Test
	@DisplayName("narrowing a grant cuts only the requests the new grant no longer covers")
	void narrow() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai", "github").build();
		inFlight(before);
		InFlightRequests.Entry post = running(before, coderKey, "openai", "POST", "v1", "chat");
		InFlightRequests.Entry get = running(before, coderKey, "openai", "GET", "v1", "models");
		InFlightRequests.Entry github = running(before, coderKey, "github", "POST", "graphql");
		inFlight.onSnapshot(base().agent(1, "coder", coderKey, "openai:read", "github").build());
		assertCut(post, ErrorType.SCOPE_DENIED);
		assertRunning(get);
		assertRunning(github);
	}

	@Test
	@DisplayName("removing a grant cuts the requests on that connection")
	void removeGrant() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai", "github").build();
		inFlight(before);
		InFlightRequests.Entry github = running(before, coderKey, "github", "GET", "user");
		InFlightRequests.Entry openai = running(before, coderKey, "openai", "GET", "v1", "models");
		inFlight.onSnapshot(base().agent(1, "coder", coderKey, "openai").build());
		assertCut(github, ErrorType.SCOPE_DENIED);
		assertRunning(openai);
	}

	@Test
	@DisplayName("expiry, which no registry change announces, cuts at the instant the key expires and not before")
	void expiry() {
		AccessSnapshot snapshot = base().agent(1, "coder", coderKey, null, T0.plusSeconds(60), "openai").agent(2, "other", otherKey, "openai")
				.build();
		inFlight(snapshot);
		InFlightRequests.Entry coder = running(snapshot, coderKey, "openai", "GET");
		InFlightRequests.Entry other = running(snapshot, otherKey, "openai", "GET");
		clock.advance(Duration.ofSeconds(60).minusMillis(1));
		inFlight.onSnapshot(snapshot);
		assertRunning(coder);
		clock.advance(Duration.ofMillis(1));
		inFlight.onSnapshot(snapshot);
		assertCut(coder, ErrorType.EXPIRED_KEY);
		assertRunning(other);
	}

	@Test
	@DisplayName("a removed request is no longer re-checked; size() counts what runs")
	void removeStopsTracking() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai").build();
		inFlight(before);
		InFlightRequests.Entry entry = running(before, coderKey, "openai", "GET");
		assertEquals(1, inFlight.size());
		inFlight.remove(entry);
		assertEquals(0, inFlight.size());
		inFlight.onSnapshot(base().build());
		assertRunning(entry);
	}

	@Test
	@DisplayName("cutAll() at shutdown cuts everything, and the first reason for a cut sticks")
	void cutAll() {
		AccessSnapshot before = base().agent(1, "coder", coderKey, "openai").build();
		inFlight(before);
		InFlightRequests.Entry entry = running(before, coderKey, "openai", "GET");
		inFlight.cutAll();
		assertEquals(InFlightRequests.Cut.SHUTDOWN, entry.cut);
		assertTrue(entry.call.isCanceled());
		inFlight.onSnapshot(base().build());
		assertEquals(InFlightRequests.Cut.SHUTDOWN, entry.cut);
	}
}
