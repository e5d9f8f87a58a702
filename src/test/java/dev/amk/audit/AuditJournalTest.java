package dev.amk.audit;

import dev.amk.db.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The crash journal on its own: rows appended and never committed are what the next opener commits, once. */
class AuditJournalTest {
	private static final Instant T0 = Instant.parse("2026-03-10T12:00:00.123Z");

	@TempDir
	Path dir;
	private Database db;

	@BeforeEach
	void open() {
		db = Database.openAudit(dir);
	}

	private static AuditEvent event(int n) {
		return new AuditEvent(0, T0.plusMillis(n), n % 4 == 0 ? null : (long) n, n % 4 == 0 ? null : "agent-é-" + n, "openai",
				n % 2 == 0 ? "GET" : "POST", "/v1/models/" + n, 200 + n % 3, Decision.values()[n % Decision.values().length],
				n % 3 == 0 ? null : "scope_denied", n, 10L * n, 100L * n, n % 5 == 0 ? "tools/call" : null, n % 5 == 0 ? "search_" + n : null);
	}

	/** The rows in the table, read without opening an {@link AuditStore} (which would replay the journal). */
	private List<AuditEvent> committedRows() {
		return db.read(c -> {
			List<AuditEvent> rows = new ArrayList<>();
			try (var rs = c.createStatement().executeQuery("SELECT * FROM audit ORDER BY id")) {
				while (rs.next()) {
					rows.add(AuditStore.row(rs).withId(0));
				}
			}
			return rows;
		});
	}

	/** What a killed broker leaves: its journal with rows appended, the lock gone with the process. */
	private List<AuditEvent> appendAndDie(int count, int capacity) {
		AuditJournal journal = AuditJournal.openForWriting(db, capacity);
		List<AuditEvent> sent = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			AuditEvent e = event(i);
			assertNotEquals(0, journal.append(e));
			sent.add(e);
		}
		journal.close();
		return sent;
	}

	@Test
	@DisplayName("rows journaled and never committed are committed, every field intact, by the next opener")
	void replaysWhatWasNotCommitted() {
		List<AuditEvent> sent = appendAndDie(300, 1 << 20);
		assertTrue(committedRows().isEmpty());
		AuditJournal.recoverOrphaned(db);
		assertEquals(sent, committedRows());
		AuditJournal.recoverOrphaned(db); // and only once
		assertEquals(sent, committedRows());
	}

	@Test
	@DisplayName("rows the writer committed are not replayed; those after them are")
	void onlyBeyondTheCommittedMark() {
		try (AuditLog log = new AuditLog(db, 1000, java.time.Clock.systemUTC(), null, 1 << 20).start()) {
			for (int i = 1; i <= 50; i++) {
				assertEquals(0, log.record(event(i)), "a journaled row needs no waiting");
			}
			log.awaitCommitted();
		}
		List<AuditEvent> afterRestart = appendAndDie(20, 1 << 20);
		AuditJournal.recoverOrphaned(db);
		List<AuditEvent> rows = committedRows();
		assertEquals(70, rows.size());
		assertEquals(afterRestart, rows.subList(50, 70));
	}

	@Test
	@DisplayName("a ring that wrapped around many times still replays exactly the uncommitted run")
	void wrapsAround() {
		int capacity = 64 * 1024;
		try (AuditLog log = new AuditLog(db, 100_000, java.time.Clock.systemUTC(), null, capacity).start()) {
			for (int i = 1; i <= 5_000; i++) { // about 10 laps of the ring
				if (log.record(event(i)) != 0) {
					log.awaitCommitted(); // the ring was full: the caller waits for the commit instead
				}
			}
			log.awaitCommitted();
		}
		assertEquals(5_000, committedRows().size());
		// The next broker's rows, left uncommitted, after its ring has wrapped once of its own.
		AuditJournal journal = AuditJournal.openForWriting(db, capacity);
		List<AuditEvent> pending = new ArrayList<>();
		for (int i = 1; i <= 400; i++) {
			AuditEvent e = event(10_000 + i);
			assertNotEquals(0, journal.append(e));
			pending.add(e);
			if (i == 200) {
				journal.release(journal.head(), firstSeqAfterRelease(journal)); // as if the writer committed these 200
				try (var c = db.connect(Database.Durability.FULL)) {
					AuditJournal.markCommitted(c, AuditJournal.lastCommittedSeq(c) + 200);
				} catch (java.sql.SQLException ex) {
					throw new AssertionError(ex);
				}
				pending.clear();
			}
		}
		journal.close();
		AuditJournal.recoverOrphaned(db);
		List<AuditEvent> rows = committedRows();
		assertEquals(5_200, rows.size());
		assertEquals(pending, rows.subList(5_000, 5_200));
	}

	/** The sequence number the next append will take, read back through what the journal reports. */
	private static long firstSeqAfterRelease(AuditJournal journal) {
		return journal.nextSeq();
	}

	@Test
	@DisplayName("a full ring refuses to journal rather than overwrite rows not yet committed")
	void fullRingRefuses() {
		AuditJournal journal = AuditJournal.openForWriting(db, 4096);
		int appended = 0;
		while (journal.append(event(appended + 1)) != 0) {
			appended++;
			assertTrue(appended < 1000, "the ring never filled");
		}
		journal.close();
		AuditJournal.recoverOrphaned(db);
		assertEquals(appended, committedRows().size());
	}

	@Test
	@DisplayName("a torn record (the process died while copying it) ends the replay there")
	void tornRecordEndsReplay() throws Exception {
		appendAndDie(10, 1 << 20);
		Path file = dir.resolve(AuditJournal.FILE_NAME);
		try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
			// Corrupt one payload byte of the sixth record: its checksum no longer matches.
			long offset = 64;
			for (int i = 0; i < 5; i++) {
				raw.seek(offset);
				offset += (16 + raw.readInt() + 7) & ~7;
			}
			raw.seek(offset + 20);
			int b = raw.read();
			raw.seek(offset + 20);
			raw.write(b ^ 0x55);
		}
		AuditJournal.recoverOrphaned(db);
		assertEquals(5, committedRows().size());
	}

	@Test
	@DisplayName("while a live broker holds the journal, nobody else replays it")
	void liveBrokerKeepsItsJournal() {
		AuditJournal live = AuditJournal.openForWriting(db, 1 << 20);
		live.append(event(1));
		assertNull(AuditJournal.openForWriting(db, 1 << 20), "a second writer must not take the journal");
		AuditJournal.recoverOrphaned(db);
		assertTrue(committedRows().isEmpty());
		live.close();
		AuditJournal.recoverOrphaned(db);
		assertEquals(1, committedRows().size());
	}
}
