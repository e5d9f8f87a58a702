package dev.amk.audit;

import dev.amk.common.ErrorType;
import dev.amk.db.Database;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditDraftTest {
	private static final Instant T0 = Instant.parse("2026-03-10T12:00:00.123Z");

	@TempDir
	Path dir;

	/** Runs {@code drafts} against a real audit log and returns the rows it wrote, oldest first. */
	private List<AuditEvent> rowsOf(java.util.function.Consumer<AuditLog> drafts) {
		Database db = Database.openAudit(dir);
		try (AuditLog log = new AuditLog(db, 100, Clock.systemUTC(), null).start()) {
			drafts.accept(log);
		}
		return new AuditStore(db).recent(null, 100).reversed();
	}

	@Test
	@DisplayName("an allowed request: every field as filled in, no reason")
	void allowed() {
		List<AuditEvent> rows = rowsOf(log -> {
			AuditDraft draft = new AuditDraft(log, T0, "POST");
			draft.target("openai", "/v1/chat/completions");
			draft.caller(7, "coder");
			draft.status(200);
			draft.addBytesIn(10);
			draft.addBytesIn(5);
			draft.addBytesOut(100);
			assertFalse(draft.isFinished());
			draft.finish(Decision.ALLOWED, null);
			assertTrue(draft.isFinished());
		});
		assertEquals(1, rows.size());
		AuditEvent row = rows.getFirst();
		assertEquals(new AuditEvent(row.id(), T0, 7L, "coder", "openai", "POST", "/v1/chat/completions", 200, Decision.ALLOWED, null,
				row.latencyMs(), 15, 100), row);
	}

	@Test
	@DisplayName("a refused request before anyone is identified: agent and connection null, the reason's contract string")
	void refused() {
		AuditEvent row = rowsOf(log -> {
			AuditDraft draft = new AuditDraft(log, T0, "GET");
			draft.target(null, "/weird");
			draft.status(401);
			draft.finish(Decision.DENIED, ErrorType.INVALID_KEY);
		}).getFirst();
		assertNull(row.agentId());
		assertNull(row.agent());
		assertNull(row.connection());
		assertEquals(Decision.DENIED, row.decision());
		assertEquals("invalid_key", row.reason());
		assertEquals("denied", row.toJson().get("decision"));
	}

	@Test
	@DisplayName("a request has one outcome: finishing again records nothing more")
	void finishedOnce() {
		List<AuditEvent> rows = rowsOf(log -> {
			AuditDraft draft = new AuditDraft(log, T0, "GET");
			draft.finish(Decision.ALLOWED, ErrorType.CLIENT_CLOSED);
			draft.finish(Decision.ERROR, ErrorType.INTERNAL_ERROR);
		});
		assertEquals(1, rows.size());
		assertEquals("client_closed", rows.getFirst().reason());
		assertEquals(Decision.ALLOWED, rows.getFirst().decision());
	}
}
