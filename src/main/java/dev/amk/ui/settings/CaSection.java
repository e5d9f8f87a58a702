package dev.amk.ui.settings;

import dev.amk.ca.CaStatus;
import dev.amk.ca.LocalCa;
import dev.amk.ca.OsTrust;
import dev.amk.common.AmkException;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Settings' "Local certificate authority": the CA that signs intercepted hosts' certificates in proxy mode,
 * whether the OS trusts it, and a "Trust…" button with the same logic as {@code amk ca trust} (macOS: the
 * user's trust settings, after asking; Linux: the distribution's commands, shown to copy). Keychain and
 * {@code security} work runs on {@code background}.
 */
public final class CaSection extends VBox {
	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneId.systemDefault());

	private final LocalCa ca;
	private final OsTrust os;
	private final Executor background;
	private final Predicate<String> confirm;
	private final Label fingerprint = new Label();
	private final Label path = new Label();
	private final Label trusted = new Label();
	private final Label message = new Label();
	private final TextArea commands = new TextArea();
	private final Button trust = new Button("Trust…");

	public CaSection(LocalCa ca, OsTrust os, Executor background) {
		this(ca, os, background, CaSection::askOnScreen);
	}

	/** @param confirm asked, on the FX thread, before {@code os} changes the system's trust settings; true to go on */
	CaSection(LocalCa ca, OsTrust os, Executor background, Predicate<String> confirm) {
		this.ca = ca;
		this.os = os;
		this.background = background;
		this.confirm = confirm;
		setSpacing(8);
		Label title = new Label("Local certificate authority (proxy mode)");
		title.getStyleClass().add("section-title");
		Label note = new Label("Signs the certificates of the hosts the broker intercepts for agents using HTTPS_PROXY. Its key stays in the keychain.");
		note.getStyleClass().add("secondary");
		note.setWrapText(true);
		fingerprint.setId("settings-ca-fingerprint");
		fingerprint.setWrapText(true);
		path.setId("settings-ca-path");
		path.setWrapText(true);
		trusted.setId("settings-ca-trusted");
		trusted.setWrapText(true);
		message.setId("settings-ca-message");
		message.setWrapText(true);
		commands.setId("settings-ca-commands");
		commands.setEditable(false);
		commands.setWrapText(true);
		commands.setPrefRowCount(3);
		commands.setAccessibleText("Commands that make this system trust the local CA");
		commands.setVisible(false);
		commands.managedProperty().bind(commands.visibleProperty());
		trust.setId("settings-ca-trust");
		trust.setOnAction(e -> trust());

		GridPane grid = new GridPane();
		grid.setHgap(8);
		grid.setVgap(4);
		grid.addRow(0, new Label("Fingerprint"), fingerprint);
		grid.addRow(1, new Label("Certificate"), path);
		grid.addRow(2, new Label("Trusted"), trusted);
		getChildren().addAll(title, note, grid, trust, commands, message);
		refresh();
	}

	/** Reads the CA's state again (never makes a CA). */
	public void refresh() {
		background.execute(() -> {
			try {
				CaStatus s = CaStatus.of(ca, os);
				Platform.runLater(() -> show(s));
			} catch (AmkException e) {
				Platform.runLater(() -> message.setText(e.getMessage()));
			}
		});
	}

	private void show(CaStatus s) {
		path.setText(s.certificate().toString());
		if (!s.exists()) {
			fingerprint.setText(s.problem() != null ? s.problem() + " A new one is made on next use." : "Not made yet: it is made when a tool first"
					+ " uses proxy mode, or now by Trust….");
			trusted.setText("-");
			return;
		}
		fingerprint.setText("SHA-256 " + s.fingerprint() + " (made " + DATE.format(s.created()) + ", expires " + DATE.format(s.expires()) + ")");
		trusted.setText(switch (s.trust()) {
			case TRUSTED -> "Yes, this system trusts it.";
			case NOT_TRUSTED -> "No. Tools started with 'amk run' trust it anyway; Trust… makes the whole system trust it.";
			case UNKNOWN -> "Unknown here.";
		});
	}

	private void trust() {
		trust.setDisable(true);
		message.setText("");
		background.execute(() -> {
			try {
				String fingerprintText = ca.ensure().authority().fingerprint();
				Platform.runLater(() -> {
					if (os.changesSystem() && !confirm.test(fingerprintText)) {
						trust.setDisable(false);
						message.setText("Nothing changed.");
						refresh();
						return;
					}
					background.execute(this::applyTrust);
				});
			} catch (AmkException e) {
				Platform.runLater(() -> failed(e));
			}
		});
	}

	private void applyTrust() {
		try {
			OsTrust.Outcome outcome = os.trust(ca.certificatePath());
			Platform.runLater(() -> {
				trust.setDisable(false);
				message.setText(outcome.done() ? outcome.message()
						: "To make this system trust the local CA, run these commands in a terminal (they need an administrator):");
				commands.setText(String.join("\n", outcome.commands()));
				commands.setVisible(!outcome.done());
				refresh();
			});
		} catch (AmkException e) {
			Platform.runLater(() -> failed(e));
		}
	}

	private void failed(AmkException e) {
		trust.setDisable(false);
		message.setText(e.getMessage());
		refresh();
	}

	private static boolean askOnScreen(String fingerprint) {
		Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "Trust Agent Master Key's local CA (SHA-256 " + fingerprint + ") for your user?"
				+ " macOS then asks for your password.", ButtonType.CANCEL, ButtonType.OK);
		alert.setHeaderText("Trust the local certificate authority");
		return alert.showAndWait().filter(ButtonType.OK::equals).isPresent();
	}
}
