package dev.amk.audit;

import dev.amk.db.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest {
	private static final Instant T0 = Instant.parse("2026-03-10T12:00:00.123Z");

	@TempDir
	Path dir;
	private Database db;
	private AuditStore store;

	@BeforeEach
	void open() {
		db = Database.openAudit(dir);
		store = new AuditStore(db);
	}

	private static AuditEvent event(int n, Long agentId, String agent, Instant time) {
		return new AuditEvent(0, time, agentId, agent, "openai", n % 2 == 0 ? "GET" : "POST", "/v1/models/" + n, 200 + n % 3,
				AuditEvent.ALLOWED, null, n, 10L * n, 100L * n);
	}

	private static AuditEvent event(int n) {
		return event(n, (long) (n % 3 + 1), "agent-" + (n % 3 + 1), T0.plusMillis(n));
	}

	/** The event as it reads back from the table: the same fields with its row id. */
	private static AuditEvent withoutId(AuditEvent e) {
		return e.withId(0);
	}

	@Nested
	@DisplayName("writing")
	class Writing {
		@Test
		void everyRecordedEventIsInTheTableAfterClose() {
			int n = 1_500; // several batches of 512
			List<AuditEvent> sent = new ArrayList<>();
			try (AuditLog log = new AuditLog(db, 10_000, java.time.Clock.systemUTC(), null).start()) {
				for (int i = 0; i < n; i++) {
					AuditEvent e = event(i);
					sent.add(e);
					log.record(e);
				}
			}
			assertEquals(n, store.latestId());
			List<AuditEvent> rows = store.recent(null, n + 10);
			assertEquals(n, rows.size());
			List<AuditEvent> oldestFirst = new ArrayList<>(rows);
			Collections.reverse(oldestFirst);
			assertEquals(sent, oldestFirst.stream().map(AuditLogTest::withoutId).toList());
			for (int i = 0; i < n; i++) {
				assertEquals(i + 1, oldestFirst.get(i).id());
			}
		}

		@Test
		@DisplayName("without a journal, group commit: many threads each wait for their own row, and find it committed when the wait returns")
		void awaitWrittenMeansCommitted() throws Exception {
			try (AuditLog log = new AuditLog(db, 10_000, java.time.Clock.systemUTC(), null, 0).start();
					var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
				List<java.util.concurrent.Future<Long>> seen = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					int n = i;
					seen.add(threads.submit(() -> {
						long ticket = log.record(event(n));
						log.awaitWritten(ticket);
						return store.latestId() - ticket; // rows get ids in the order their tickets were given
					}));
				}
				for (var f : seen) {
					assertTrue(f.get() >= 0, "a wait returned before its row was committed");
				}
				assertTrue(store.latestId() == 200, "every row committed once every wait returned");
			}
		}

		@Test
		void closeWithNothingRecordedWritesNothing() {
			new AuditLog(db, 10, java.time.Clock.systemUTC(), null).start().close();
			assertEquals(0, store.latestId());
			assertTrue(store.recent(null, 10).isEmpty());
		}

		@Test
		void nullableFieldsSurvive() {
			AuditEvent denied = new AuditEvent(0, T0, null, null, null, "GET", "/x", 401, AuditEvent.DENIED, "missing_key", 0, 0, 0);
			try (AuditLog log = new AuditLog(db, 10, java.time.Clock.systemUTC(), null).start()) {
				log.record(denied);
			}
			List<AuditEvent> rows = store.recent(null, 10);
			assertEquals(1, rows.size());
			AuditEvent row = rows.getFirst();
			assertNull(row.agentId());
			assertNull(row.agent());
			assertNull(row.connection());
			assertEquals(denied, withoutId(row));
		}

		@Test
		void listenersReceiveTheWrittenBatchesWithIds() {
			int n = 1_200;
			List<List<AuditEvent>> batches = new CopyOnWriteArrayList<>();
			List<AuditEvent> sent = new ArrayList<>();
			try (AuditLog log = new AuditLog(db, 10_000, java.time.Clock.systemUTC(), null)) {
				log.addListener(batches::add);
				log.start();
				for (int i = 0; i < n; i++) {
					AuditEvent e = event(i);
					sent.add(e);
					log.record(e);
				}
			}
			List<AuditEvent> heard = batches.stream().flatMap(List::stream).toList();
			assertEquals(n, heard.size());
			assertTrue(batches.stream().allMatch(b -> !b.isEmpty() && b.size() <= 512), "batches of at most 512");
			Set<Long> ids = new HashSet<>();
			for (AuditEvent e : heard) {
				assertTrue(e.id() > 0, "id filled in");
				assertTrue(ids.add(e.id()), "ids are distinct");
			}
			assertEquals(sent, heard.stream().map(AuditLogTest::withoutId).toList());
			Set<Long> stored = new HashSet<>(store.recent(null, n + 10).stream().map(AuditEvent::id).toList());
			assertEquals(stored, ids);
		}

		@Test
		void aFailingListenerDoesNotStopTheLog() {
			List<AuditEvent> heard = new CopyOnWriteArrayList<>();
			try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null)) {
				log.addListener(batch -> {
					throw new IllegalStateException("listener bug");
				});
				log.addListener(heard::addAll);
				log.start();
				for (int i = 0; i < 20; i++) {
					log.record(event(i));
				}
			}
			assertEquals(20, store.latestId());
			assertEquals(20, heard.size());
		}

		@Test
		void recentFiltersByAgentNewestFirstAndAfterFollows() {
			try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start()) {
				for (int i = 0; i < 9; i++) {
					log.record(event(i));
				}
			}
			List<AuditEvent> agent1 = store.recent("agent-1", 100);
			assertEquals(List.of("/v1/models/6", "/v1/models/3", "/v1/models/0"), agent1.stream().map(AuditEvent::path).toList());
			assertEquals(2, store.recent(null, 2).size());
			assertEquals(9, store.recent(null, 2).getFirst().id());
			assertEquals(List.of(7L, 8L, 9L), store.after(6, null, 100).stream().map(AuditEvent::id).toList());
			assertEquals(List.of(7L), store.after(6, "agent-1", 100).stream().map(AuditEvent::id).toList());
		}

		@Test
		void overlongPathsAreCut() {
			AuditEvent e = new AuditEvent(0, T0, 1L, "a", "c", "GET", "/" + "x".repeat(5_000), 200, AuditEvent.ALLOWED, null, 0, 0, 0);
			assertEquals(2049, e.path().length());
			assertTrue(e.path().endsWith("…"));
		}
	}

	@Nested
	@DisplayName("last use per agent")
	class LastUse {
		@Test
		void theLatestTimePerAgentIdIsKept() {
			try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start()) {
				log.record(event(1, 1L, "a", T0.plusSeconds(30)));
				log.record(event(2, 2L, "b", T0.plusSeconds(10)));
				log.record(event(3, 1L, "a", T0.plusSeconds(50)));
				log.record(event(4, 1L, "a", T0.plusSeconds(40)));
				log.record(event(5, null, null, T0.plusSeconds(99)));
			}
			Map<Long, Instant> last = store.lastUsedByAgentId();
			assertEquals(Map.of(1L, T0.plusSeconds(50), 2L, T0.plusSeconds(10)), last);
		}

		@Test
		void aLaterLogNeverMovesTheTimeBackwards() {
			try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start()) {
				log.record(event(1, 1L, "a", T0.plusSeconds(50)));
				log.record(event(2, 2L, "b", T0.plusSeconds(10)));
			}
			try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start()) {
				log.record(event(3, 1L, "a", T0.plusSeconds(20)));
				log.record(event(4, 2L, "b", T0.plusSeconds(60)));
				log.record(event(5, 3L, "c", T0));
			}
			assertEquals(Map.of(1L, T0.plusSeconds(50), 2L, T0.plusSeconds(60), 3L, T0), store.lastUsedByAgentId());
		}

		@Test
		void noRequestsNoUsage() {
			assertTrue(store.lastUsedByAgentId().isEmpty());
		}
	}

	@Nested
	@DisplayName("overflow")
	class Overflow {
		@Test
		void recordNeverBlocksAndCountsWhatDoesNotFit() {
			AuditLog log = new AuditLog(db, 3, java.time.Clock.systemUTC(), null); // not started: nothing drains the queue
			for (int i = 0; i < 10; i++) {
				log.record(event(i));
			}
			assertEquals(7, log.droppedCount());
			log.close();
			assertEquals(0, store.latestId(), "a log that never started writes nothing");
		}

		@Test
		void theLossIsRecordedAsAnOverflowRow() {
			AuditLog log = new AuditLog(db, 2, java.time.Clock.systemUTC(), null);
			List<AuditEvent> heard = new CopyOnWriteArrayList<>();
			log.addListener(heard::addAll);
			for (int i = 0; i < 5; i++) {
				log.record(event(i));
			}
			assertEquals(3, log.droppedCount());
			log.start();
			log.close();

			List<AuditEvent> rows = store.recent(null, 10);
			assertEquals(3, rows.size());
			AuditEvent overflow = rows.getFirst();
			assertEquals("audit_overflow", overflow.reason());
			assertEquals(AuditEvent.ERROR, overflow.decision());
			assertEquals("(3 audit rows were dropped)", overflow.path());
			assertNull(overflow.agentId());
			assertNull(overflow.agent());
			assertEquals(List.of(event(0), event(1)), rows.subList(1, 3).reversed().stream().map(AuditLogTest::withoutId).toList());
			assertEquals(0, log.droppedCount(), "the loss was reported, so the counter starts again");
			assertEquals(3, heard.size());
			assertEquals(List.of("audit_overflow"), heard.stream().filter(e -> e.reason() != null).map(AuditEvent::reason).toList());
		}

		@Test
		void overflowRowsDoNotCountAsAgentUse() {
			AuditLog log = new AuditLog(db, 1, java.time.Clock.systemUTC(), null);
			log.record(event(1, 7L, "a", T0));
			log.record(event(2, 7L, "a", T0.plusSeconds(5)));
			log.start();
			log.close();
			assertEquals(Map.of(7L, T0), store.lastUsedByAgentId());
			assertEquals(2, store.latestId());
		}

		@Test
		void eventsAfterCloseAreDropped() {
			AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start();
			log.record(event(1));
			log.close();
			log.record(event(2));
			assertEquals(1, log.droppedCount());
			assertEquals(1, store.latestId());
			assertFalse(store.recent(null, 10).stream().anyMatch(e -> e.path().equals("/v1/models/2")));
		}
	}

	@Test
	@DisplayName("rows older than the retention period are pruned when the writer starts; younger ones stay")
	void retention() {
		Instant now = T0.plus(java.time.Duration.ofDays(100));
		try (AuditLog log = new AuditLog(db, 100, java.time.Clock.systemUTC(), null).start()) {
			log.record(event(1, 1L, "a", T0));                                        // 100 days old
			log.record(event(2, 1L, "a", now.minus(java.time.Duration.ofDays(91))));  // just past 90 days
			log.record(event(3, 1L, "a", now.minus(java.time.Duration.ofDays(89))));  // inside
			log.record(event(4, 1L, "a", now));
		}
		new AuditLog(db, 100, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC), java.time.Duration.ofDays(90)).start().close();

		List<String> kept = store.recent(null, 10).stream().map(AuditEvent::path).toList();
		assertEquals(List.of("/v1/models/4", "/v1/models/3"), kept);
		assertEquals(Map.of(1L, now), store.lastUsedByAgentId(), "last-use survives pruning");
	}
}
