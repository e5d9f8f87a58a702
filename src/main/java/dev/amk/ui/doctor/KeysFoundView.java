package dev.amk.ui.doctor;

import dev.amk.doctor.DoctorFix;
import dev.amk.doctor.Finding;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * "Keys found on this computer": each raw key the doctor found (preview and fingerprint, never the key), where it
 * appears, and what fixing will do to it. Fix asks about each file in turn, then rewrites the accepted ones. On a
 * first run (no connections yet) the app opens on this view; adding a connection by hand stays one click away.
 */
public final class KeysFoundView extends BorderPane {
	static final ButtonType REWRITE = new ButtonType("Rewrite", ButtonBar.ButtonData.OK_DONE);
	static final ButtonType SKIP = new ButtonType("Skip", ButtonBar.ButtonData.CANCEL_CLOSE);

	private final KeysFoundModel model;
	private final Path home;
	private final VBox list = new VBox(10);
	private final Label message = new Label();
	private final Label result = new Label();
	private final Button fix = new Button("Fix…");
	private final Button rescan = new Button("Scan again");
	private KeysFoundModel.Report report;

	/**
	 * @param home        shown as {@code ~} in paths
	 * @param addByHand   what "Add a connection by hand" does: the app switches to its Connections tab
	 */
	public KeysFoundView(KeysFoundModel model, Path home, Runnable addByHand) {
		this.model = model;
		this.home = home;
		getStyleClass().add("keys-found");
		Label title = new Label("Keys found on this computer");
		title.getStyleClass().add("title-3");
		title.setId("doctor-title");
		Label intro = new Label("Raw API keys in agent configs, shell startup files and credential files. Fixing moves each key into the"
				+ " keychain, gives each program its own agent key, and points it at the broker; every file is backed up first.");
		intro.setWrapText(true);
		VBox top = new VBox(4, title, intro);
		top.setPadding(new Insets(12, 12, 8, 12));
		setTop(top);

		list.setId("doctor-list");
		list.setPadding(new Insets(0, 12, 12, 12));
		ScrollPane scroll = new ScrollPane(list);
		scroll.setFitToWidth(true);
		setCenter(scroll);

		fix.setId("doctor-fix");
		fix.setDisable(true);
		fix.setOnAction(e -> confirmFiles());
		rescan.setId("doctor-rescan");
		rescan.setOnAction(e -> scan());
		Button byHand = new Button("Add a connection by hand");
		byHand.setId("doctor-add-by-hand");
		byHand.setOnAction(e -> addByHand.run());
		message.setId("doctor-message");
		result.setId("doctor-result");
		result.setWrapText(true);
		result.managedProperty().bind(result.textProperty().isNotEmpty());
		message.managedProperty().bind(message.textProperty().isNotEmpty());
		Region gap = new Region();
		HBox.setHgrow(gap, Priority.ALWAYS);
		HBox buttons = new HBox(8, fix, rescan, gap, byHand);
		VBox bottom = new VBox(6, message, result, buttons);
		bottom.setPadding(new Insets(8, 12, 12, 12));
		setBottom(bottom);
	}

	/** Scans again and shows what was found; call on the FX thread. */
	public void scan() {
		message.setText("Looking through your agent configs…");
		fix.setDisable(true);
		rescan.setDisable(true);
		model.scan().whenComplete((r, failure) -> {
			rescan.setDisable(false);
			if (failure != null) {
				message.setText("The scan failed: " + rootMessage(failure));
				return;
			}
			show(r);
		});
	}

	public KeysFoundModel.Report report() {
		return report;
	}

	private void show(KeysFoundModel.Report r) {
		this.report = r;
		list.getChildren().clear();
		Map<Finding, String> fate = new HashMap<>();
		for (DoctorFix.FilePlan fp : r.plan().files()) {
			for (DoctorFix.Change c : fp.changes()) {
				fate.put(c.finding(), "Fix: into connection '" + c.connection() + "'" + (c.newConnection() ? " (new)" : "") + "; agent '" + c.agent()
						+ "' gets its own key; " + c.baseVariable() + " points at the broker");
			}
		}
		r.plan().left().forEach(l -> fate.put(l.finding(), "Left as it is: " + l.reason()));
		int secrets = 0;
		// The keys a fix will move first, then the ones it leaves (each with its reason).
		List<List<Finding>> groups = r.scan().bySecret().values().stream()
				.sorted(java.util.Comparator.comparing(g -> g.stream().noneMatch(f -> fate.getOrDefault(f, "").startsWith("Fix:")))).toList();
		for (List<Finding> group : groups) {
			Finding first = group.getFirst();
			if (!first.isRawSecret()) {
				continue;
			}
			secrets++;
			VBox card = new VBox(3);
			card.setId("secret-" + first.fingerprint());
			card.getStyleClass().add("doctor-secret");
			Label head = new Label(first.preview() + "   " + (first.provider() == null ? "unknown provider" : first.provider()) + " " + first.kind()
					+ "   · fingerprint " + first.fingerprint());
			head.getStyleClass().add("text-bold");
			card.getChildren().add(head);
			for (Finding f : group) {
				Label place = new Label("  " + shortPath(f.file()) + ":" + f.line() + " — " + where(f));
				Label what = new Label("      " + fate.getOrDefault(f, ""));
				what.setWrapText(true);
				what.getStyleClass().add("text-muted");
				card.getChildren().addAll(place, what);
			}
			list.getChildren().add(card);
		}
		if (secrets == 0) {
			Label none = new Label("No raw keys found in " + r.scan().filesScanned().size() + " files. Nothing to move.");
			none.setId("doctor-none");
			list.getChildren().add(none);
		}
		message.setText(secrets == 0 ? "" : secrets + " raw key(s) found; " + r.plan().files().size() + " file(s) can be fixed.");
		fix.setDisable(r.plan().files().isEmpty());
	}

	private String where(Finding f) {
		String where = f.consumer().mcpServer() != null ? "MCP server '" + f.consumer().mcpServer() + "'" : f.consumer().label();
		return (f.variable() == null ? where : where + ", " + f.variable()) + (f.note() == null ? "" : " (" + f.note() + ")");
	}

	/** One confirmation per file, in turn (non-blocking dialogs), then the fix for the accepted ones. */
	private void confirmFiles() {
		List<DoctorFix.FilePlan> files = new ArrayList<>(report.plan().files());
		confirmNext(files, 0, new HashSet<>());
	}

	private void confirmNext(List<DoctorFix.FilePlan> files, int index, Set<Path> accepted) {
		if (index == files.size()) {
			runFix(accepted);
			return;
		}
		DoctorFix.FilePlan fp = files.get(index);
		Alert ask = new Alert(Alert.AlertType.CONFIRMATION, null, REWRITE, SKIP);
		ask.initOwner(getScene().getWindow());
		ask.setTitle("Fix " + (index + 1) + " of " + files.size());
		ask.setHeaderText("Rewrite " + shortPath(fp.file()) + "?");
		ask.setContentText(fp.changes().stream().map(c -> "Line " + c.finding().line() + ": " + c.finding().variable() + " (" + c.finding().preview()
				+ ") becomes agent '" + c.agent() + "''s key, and " + c.baseVariable() + " is set to " + c.baseUrl() + ".")
				.collect(Collectors.joining("\n")) + "\nA backup is kept beside the file.");
		ask.getDialogPane().setId("doctor-confirm");
		ask.resultProperty().addListener((obs, old, answer) -> {
			if (answer == REWRITE) {
				accepted.add(fp.file());
			}
			confirmNext(files, index + 1, accepted);
		});
		ask.show();
	}

	private void runFix(Set<Path> accepted) {
		if (accepted.isEmpty()) {
			message.setText("Nothing was changed.");
			return;
		}
		fix.setDisable(true);
		message.setText("Moving the keys…");
		model.fix(report, accepted).whenComplete((outcome, failure) -> {
			if (failure != null) {
				message.setText("The fix failed: " + rootMessage(failure));
				fix.setDisable(false);
				return;
			}
			result.setText(describe(outcome));
			scan();
		});
	}

	private String describe(DoctorFix.Outcome o) {
		StringBuilder b = new StringBuilder();
		for (DoctorFix.FileOutcome f : o.files()) {
			if (f.status() != DoctorFix.Status.DECLINED) {
				b.append(f.status() == DoctorFix.Status.WRITTEN ? "Rewrote " : "Did not change ").append(shortPath(f.file())).append(": ")
						.append(f.check()).append('\n');
			}
		}
		List<DoctorFix.Rotation> moved = o.rotate().stream().filter(r -> r.connection() != null).toList();
		if (!moved.isEmpty()) {
			b.append("Rotate these at their providers, then replace them in their connection: ");
			b.append(moved.stream().map(r -> r.preview() + (r.link() == null ? "" : " (" + r.link() + ")") + " → " + r.connection())
					.collect(Collectors.joining("; ")));
			b.append('\n');
		}
		b.append("Restart the programs whose files changed. 'amk doctor --undo' puts the files back.");
		return b.toString();
	}

	private String shortPath(Path file) {
		return file.startsWith(home) ? "~/" + home.relativize(file) : file.toString();
	}

	private static String rootMessage(Throwable t) {
		Throwable c = t;
		while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)) {
			c = c.getCause();
		}
		return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
	}
}
