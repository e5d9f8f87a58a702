package dev.amk.ui.activity;

import dev.amk.activity.ActivityTracker;
import dev.amk.audit.AuditEvent;
import dev.amk.audit.Decision;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.EmptyJsonUpstream;
import dev.amk.testing.Teardown;
import javafx.scene.Scene;
import javafx.scene.control.TableCell;
import javafx.stage.Stage;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Activity tab names each kind of refusal in words, coloured by family, on rows from the real broker's audit log:
 * a rate limit and a grant refusal made through the real proxy, the other kinds recorded as the proxy records them.
 */
@ExtendWith(ApplicationExtension.class)
class ActivityViewTest {
	@TempDir
	Path home;

	MockWebServer upstream;
	BrokerFixture broker;
	ActivityView view;

	@Start
	void start(Stage stage) throws Exception {
		upstream = new MockWebServer();
		upstream.setDispatcher(new EmptyJsonUpstream());
		upstream.start();
		broker = BrokerFixture.start(home);
		broker.addConnection("github", "github", upstream.url("/").toString(), "ghp_activity_test_secret_0123");
		ActivityTracker activity = new ActivityTracker(Clock.systemUTC(), ZoneId.systemDefault(), 100)
				.start(broker.broker.auditStore(), broker.broker.auditLog());
		view = new ActivityView(activity, ZoneId.systemDefault());
		stage.setScene(new Scene(view, 1100, 700));
		stage.show();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker, upstream);
	}

	/** The Outcome cell of the row whose path is {@code path}, once it is on screen. */
	private static Optional<TableCell<?, ?>> outcome(FxRobot robot, String path) {
		return robot.lookup(".table-cell").match((TableCell<?, ?> c) -> c.getTableColumn() != null && "Outcome".equals(c.getTableColumn().getText())
				&& c.getTableRow() != null && c.getTableRow().getItem() instanceof AuditEvent e && path.equals(e.path())).tryQueryAs(TableCell.class)
				.map(c -> (TableCell<?, ?>) c);
	}

	@Test
	@DisplayName("each refusal kind has its own label, a sentence in its tooltip and a family colour; allowed rows say so")
	void eachRefusalNamed(FxRobot robot) {
		String key = broker.createAgent("looper", "github:read");
		assertEquals(0, broker.cli("agent", "limit", "looper", "--rpm", "1").exit());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> Integer.valueOf(1).equals(s.limits(a.agent().id()).requestsPerMinute())));
		assertEquals(200, broker.get("/github/allowed", "Authorization", "Bearer " + key).statusCode());
		assertEquals(429, broker.get("/github/limited", "Authorization", "Bearer " + key).statusCode());
		broker.cli("agent", "limit", "looper", "--rpm", "none");
		broker.awaitRegistry(s -> s.agents().stream().allMatch(a -> s.limits(a.agent().id()).requestsPerMinute() == null));
		assertEquals(403, broker.send(java.net.http.HttpRequest.newBuilder(broker.url("/github/written")).header("Authorization", "Bearer " + key)
				.DELETE().build()).statusCode());

		// The kinds the proxy records for controls this test does not set up end to end (their own tests do).
		Map<String, String> recorded = new LinkedHashMap<>();
		recorded.put("budget_exceeded", "/budget");
		recorded.put("model_denied", "/model");
		recorded.put("approval_denied", "/approval");
		recorded.put("approval_timeout", "/timeout");
		recorded.put("secret_in_request", "/secret");
		recorded.put("decoy_used", "/decoy");
		long last = 0;
		for (Map.Entry<String, String> r : recorded.entrySet()) {
			int status = r.getKey().equals("budget_exceeded") ? 429 : r.getKey().equals("decoy_used") ? 401 : 403;
			last = broker.broker.auditLog().record(new AuditEvent(0, Instant.now(), null, "looper", "github", "POST", r.getValue(), status,
					Decision.DENIED, r.getKey(), 1, 0, 0));
		}
		broker.broker.auditLog().awaitWritten(last);

		Map<String, String> expectedLabel = new LinkedHashMap<>();
		expectedLabel.put("/allowed", "Allowed");
		expectedLabel.put("/limited", "Rate limit");
		expectedLabel.put("/written", "Outside grant");
		expectedLabel.put("/budget", "Budget spent");
		expectedLabel.put("/model", "Model not allowed");
		expectedLabel.put("/approval", "Not approved");
		expectedLabel.put("/timeout", "Approval timed out");
		expectedLabel.put("/secret", "Secret in request");
		expectedLabel.put("/decoy", "Decoy key used");
		Map<String, String> expectedFamily = Map.of("/allowed", "outcome-allowed", "/limited", "outcome-limit", "/budget", "outcome-limit",
				"/written", "outcome-policy", "/model", "outcome-policy", "/approval", "outcome-policy", "/timeout", "outcome-policy",
				"/secret", "outcome-alarm", "/decoy", "outcome-alarm");

		Set<String> labels = new HashSet<>();
		for (Map.Entry<String, String> e : expectedLabel.entrySet()) {
			waitUntil("the row of " + e.getKey() + " shows", () -> outcome(robot, e.getKey()).isPresent());
			TableCell<?, ?> cell = outcome(robot, e.getKey()).orElseThrow();
			assertEquals(e.getValue(), cell.getText(), e.getKey());
			assertTrue(cell.getStyleClass().contains(expectedFamily.get(e.getKey())), e.getKey() + ": " + cell.getStyleClass());
			assertTrue(cell.getTooltip() != null && cell.getTooltip().getText().length() > 20, e.getKey() + " explains itself in words");
			assertTrue(cell.getAccessibleText().startsWith(e.getValue() + ": "), cell.getAccessibleText());
			labels.add(cell.getText());
		}
		assertEquals(expectedLabel.size(), labels.size(), "no two kinds share a label");
		assertTrue(outcome(robot, "/limited").orElseThrow().getTooltip().getText().contains("Retry-After"));
	}
}
