package dev.amk.audit;

import dev.amk.db.Database;
import dev.amk.testing.BrokerFixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row of a request survives the broker before the agent has the end of its answer. The files in the data folder
 * at the moment an answer completes are what a {@code kill -9} at that moment would leave behind (the journal is a
 * shared mapping: its pages are the file's); opened as they are, they hold the row.
 */
class AuditBeforeAnswerTest {
	@TempDir
	Path home;
	@TempDir
	Path crashCopies;

	@Test
	@DisplayName("the moment an answer is complete, what a kill would leave behind holds its audit row")
	void rowBeforeAnswer() throws IOException {
		try (BrokerFixture broker = BrokerFixture.start(home)) {
			for (int i = 1; i <= 40; i++) {
				HttpResponse<String> r = broker.get("/openai/v1/models", "Authorization", "Bearer not-a-key");
				assertEquals(401, r.statusCode());
				Path left = copyAuditFiles(home, crashCopies.resolve("after-" + i));
				assertEquals(i, new AuditStore(Database.openAudit(left)).latestId(), "request " + i + " was answered before its row was safe");
			}
		}
	}

	private static Path copyAuditFiles(Path from, Path to) throws IOException {
		Files.createDirectories(to);
		for (String name : new String[] {"audit.journal", "audit.db", "audit.db-wal", "audit.db-shm"}) {
			if (Files.exists(from.resolve(name))) {
				Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
		return to;
	}
}
