package dev.amk.ui.approvals;

import dev.amk.approvals.ApprovalService;
import dev.amk.approvals.PersonPresence;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.concurrent.Executor;

/**
 * One held request and the three answers. An approval is confirmed through {@link PersonPresence} first (off the FX
 * thread: Touch ID may wait for a finger); a denial needs no proof. Answering a request that no longer waits (timed
 * out meanwhile) changes nothing.
 */
public final class ApprovalSheet extends VBox {
	private final ApprovalService service;
	private final ApprovalService.Pending request;
	private final PersonPresence presence;
	private final Executor background;
	private final Label status = new Label();
	private final Button once = new Button("Approve once");
	private final Button tenMinutes = new Button("Approve for 10 minutes");
	private final Button deny = new Button("Deny");

	public ApprovalSheet(ApprovalService service, ApprovalService.Pending request, PersonPresence presence, Executor background) {
		this.service = service;
		this.request = request;
		this.presence = presence;
		this.background = background;
		setId("approval-sheet");
		setSpacing(10);
		setPadding(new Insets(16));

		Label title = new Label(request.agent() + " asks to " + request.method() + " " + request.path() + " on " + request.connection());
		title.setId("approval-title");
		title.setWrapText(true);
		title.setStyle("-fx-font-weight: bold;");

		GridPane facts = new GridPane();
		facts.setHgap(12);
		facts.setVgap(4);
		row(facts, 0, "Agent", request.agent(), "approval-agent");
		row(facts, 1, "Connection", request.connection(), "approval-connection");
		row(facts, 2, "Request", request.method() + " " + request.path(), "approval-request");
		row(facts, 3, "Rule", request.rule(), "approval-rule");

		TextArea body = new TextArea(request.bodySummary());
		body.setId("approval-body");
		body.setEditable(false);
		body.setWrapText(true);
		body.setPrefRowCount(12);
		VBox.setVgrow(body, Priority.ALWAYS);

		Label deadline = new Label("Refused by itself if nobody answers by " + java.time.LocalTime.ofInstant(request.deadline(),
				java.time.ZoneId.systemDefault()).withNano(0) + ".");
		status.setId("approval-status");

		once.setId("approval-once");
		tenMinutes.setId("approval-10min");
		deny.setId("approval-deny");
		deny.setCancelButton(true);
		once.setDefaultButton(false); // approving must be a deliberate click, never Enter
		once.setOnAction(e -> approve(ApprovalService.Answer.APPROVE_ONCE));
		tenMinutes.setOnAction(e -> approve(ApprovalService.Answer.APPROVE_10_MINUTES));
		deny.setOnAction(e -> {
			disable();
			service.answer(request.id(), ApprovalService.Answer.DENY);
			status.setText("Denied.");
		});
		HBox buttons = new HBox(8, deny, tenMinutes, once);
		getChildren().addAll(title, facts, new Label("Body (secrets masked):"), body, deadline, buttons, status);
	}

	private static void row(GridPane grid, int index, String name, String value, String id) {
		Label v = new Label(value);
		v.setId(id);
		grid.addRow(index, new Label(name), v);
	}

	private void approve(ApprovalService.Answer answer) {
		disable();
		status.setText("Confirming…");
		String reason = "approve " + request.method() + " " + request.path() + " for " + request.agent();
		background.execute(() -> {
			boolean present = presence.confirm(reason);
			if (present) {
				service.answer(request.id(), answer);
			}
			Platform.runLater(() -> {
				if (present) {
					status.setText(answer == ApprovalService.Answer.APPROVE_ONCE ? "Approved." : "Approved for 10 minutes.");
				} else {
					status.setText("Not confirmed: nothing was approved.");
					once.setDisable(false);
					tenMinutes.setDisable(false);
					deny.setDisable(false);
				}
			});
		});
	}

	private void disable() {
		once.setDisable(true);
		tenMinutes.setDisable(true);
		deny.setDisable(true);
	}
}
