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
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

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

	/** What an Outcome cell showed, read in one go on the FX thread: the table recycles its cells as rows arrive. */
	private record Shown(String text, List<String> styles, String tooltip, String accessible) {
	}

	/** The Outcome cell of the row for {@code path}, once it is on screen with its text. */
	private static Shown shown(FxRobot robot, String path) {
		AtomicReference<Shown> seen = new AtomicReference<>();
		waitUntil("the row of " + path + " shows", () -> {
			Optional<Shown> now = WaitForAsyncUtils.asyncFx(() -> outcome(robot, path).map(c -> new Shown(c.getText(),
					List.copyOf(c.getStyleClass()), c.getTooltip() == null ? null : c.getTooltip().getText(), c.getAccessibleText()))).get();
			now.filter(s -> s.text() != null && !s.text().isEmpty()).ifPresent(seen::set);
			return seen.get() != null;
		});
		return seen.get();
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
			Shown cell = shown(robot, e.getKey());
			assertEquals(e.getValue(), cell.text(), e.getKey());
			assertTrue(cell.styles().contains(expectedFamily.get(e.getKey())), e.getKey() + ": " + cell.styles());
			assertTrue(cell.tooltip() != null && cell.tooltip().length() > 20, e.getKey() + " explains itself in words");
			assertTrue(cell.accessible().startsWith(e.getValue() + ": "), cell.accessible());
			labels.add(cell.text());
		}
		assertEquals(expectedLabel.size(), labels.size(), "no two kinds share a label");
		assertTrue(shown(robot, "/limited").tooltip().contains("Retry-After"));
	}
}
