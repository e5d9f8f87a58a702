package dev.amk.ui.approvals;

import dev.amk.approvals.ApprovalService;
import dev.amk.approvals.PersonPresence;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The approval sheet, headless: a held request is announced and shown, and each button gives its answer to the real service. */
@ExtendWith(ApplicationExtension.class)
class ApprovalSheetTest {
	final ApprovalService service = new ApprovalService(Clock.systemUTC(), ApprovalService.DEFAULT_TIMEOUT);
	final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
	final List<String> notices = new CopyOnWriteArrayList<>();
	final List<String> presenceAsked = new CopyOnWriteArrayList<>();
	ApprovalPrompter prompter;

	@Start
	void start(Stage stage) {
		// The sheets open windows of their own; the extension's stage stays unused.
	}

	@AfterEach
	void stop() {
		if (prompter != null) {
			prompter.detach();
		}
		background.shutdown();
	}

	private CompletableFuture<ApprovalService.Outcome> hold(PersonPresence presence) {
		prompter = new ApprovalPrompter(service, (title, message) -> notices.add(title + ": " + message), presence, background).attach();
		return CompletableFuture.supplyAsync(() -> service.await(3, "research-bot", "github", "PUT", "/repos/acme/api/pulls/7/merge",
				"ask:PUT:/repos/**", "{\n  \"merge_method\" : \"squash\"\n}", () -> false, () -> { }), background);
	}

	@Test
	@DisplayName("the sheet shows who asks for what, with the body's summary; Approve once approves, after the person is confirmed")
	void approveOnce(FxRobot robot) throws Exception {
		var outcome = hold(reason -> presenceAsked.add(reason));
		waitUntil("the sheet is shown", () -> showing(robot, "#approval-sheet"));
		assertEquals("research-bot", text(robot, "#approval-agent"));
		assertEquals("github", text(robot, "#approval-connection"));
		assertEquals("PUT /repos/acme/api/pulls/7/merge", text(robot, "#approval-request"));
		assertTrue(find(robot, "#approval-body", TextArea.class).getText().contains("squash"));
		assertEquals(List.of("Approval needed: research-bot asks to PUT /repos/acme/api/pulls/7/merge on github. Open the approval window to"
				+ " answer."), notices);

		waitUntil("its buttons are shown", () -> showing(robot, "#approval-once"));
		robot.clickOn("#approval-once");
		assertEquals(ApprovalService.Outcome.APPROVED, outcome.get(10, TimeUnit.SECONDS));
		assertEquals(List.of("approve PUT /repos/acme/api/pulls/7/merge for research-bot"), presenceAsked);
		waitUntil("the sheet closes once answered", () -> !showing(robot, "#approval-sheet"));
	}

	@Test
	@DisplayName("Deny refuses; a person not confirmed approves nothing")
	void denyAndUnconfirmed(FxRobot robot) throws Exception {
		var outcome = hold(reason -> false);
		waitUntil("the sheet is shown", () -> showing(robot, "#approval-sheet") && showing(robot, "#approval-10min"));
		robot.clickOn("#approval-10min");
		waitUntil("it says nothing was approved", () -> text(robot, "#approval-status").startsWith("Not confirmed"));
		assertFalse(outcome.isDone());
		waitUntil("its buttons are shown", () -> showing(robot, "#approval-deny"));
		robot.clickOn("#approval-deny");
		assertEquals(ApprovalService.Outcome.DENIED, outcome.get(10, TimeUnit.SECONDS));
		waitUntil("the sheet closes once answered", () -> !showing(robot, "#approval-sheet"));
	}
}
