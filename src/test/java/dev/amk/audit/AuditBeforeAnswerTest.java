package dev.amk.audit;

import dev.amk.testing.BrokerFixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The row of a request is committed before the agent has the end of its answer: read at that moment, it is there. */
class AuditBeforeAnswerTest {
	@TempDir
	Path home;

	@Test
	@DisplayName("the moment an answer is complete, its audit row is already in audit.db")
	void rowBeforeAnswer() {
		try (BrokerFixture broker = BrokerFixture.start(home)) {
			AuditStore store = broker.broker.auditStore();
			for (int i = 1; i <= 200; i++) {
				HttpResponse<String> r = broker.get("/openai/v1/models", "Authorization", "Bearer not-a-key");
				assertEquals(401, r.statusCode());
				assertEquals(i, store.latestId(), "request " + i + " was answered before its row was committed");
			}
		}
	}
}
