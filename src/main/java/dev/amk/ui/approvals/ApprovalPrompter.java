package dev.amk.ui.approvals;

import dev.amk.approvals.ApprovalService;
import dev.amk.approvals.PersonPresence;
import dev.amk.ui.notify.DeniedNotifier;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The app as the approval service's answerer: each held request raises a system notification and opens its own
 * sheet, in front; a request that stops waiting (answered, timed out, revoked) closes its sheet. Attached when the
 * app starts and detached when it quits, which refuses whatever still waits.
 */
public final class ApprovalPrompter implements ApprovalService.Answerer {
	private final ApprovalService service;
	private final DeniedNotifier.SystemNotifier notifier;
	private final PersonPresence presence;
	private final Executor background;
	private final Map<Long, Stage> open = new ConcurrentHashMap<>();

	public ApprovalPrompter(ApprovalService service, DeniedNotifier.SystemNotifier notifier, PersonPresence presence, Executor background) {
		this.service = service;
		this.notifier = notifier;
		this.presence = presence;
		this.background = background;
	}

	public ApprovalPrompter attach() {
		service.attach(this);
		return this;
	}

	public void detach() {
		service.detach(this);
	}

	@Override
	public void asked(ApprovalService.Pending request) {
		notifier.notify("Approval needed", request.agent() + " asks to " + request.method() + " " + request.path() + " on "
				+ request.connection() + ". Open the approval window to answer.");
		Platform.runLater(() -> {
			Stage stage = new Stage();
			stage.setTitle("Approve a request from " + request.agent() + "?");
			// As tall as the sheet wants (-1): a fixed height cut its buttons off when the fonts or the theme made it taller.
			stage.setScene(new Scene(new ApprovalSheet(service, request, presence, background), 560, -1));
			stage.setAlwaysOnTop(true);
			open.put(request.id(), stage);
			stage.show();
			stage.toFront();
		});
	}

	@Override
	public void settled(long id) {
		Platform.runLater(() -> {
			Stage stage = open.remove(id);
			if (stage != null) {
				stage.close();
			}
		});
	}
}
