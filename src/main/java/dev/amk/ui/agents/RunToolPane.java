package dev.amk.ui.agents;

import dev.amk.ca.LocalCa;
import dev.amk.proxy.ProxyModeEnvironment;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * "Run a tool with this agent", under the agent list for the selected agent: the {@code amk run} line to copy, and the
 * proxy-mode environment for a tool started some other way (a container, an IDE's settings). The key is a placeholder:
 * the broker keeps only its hash, so only the person who saved it at creation can fill it in; {@code amk run} needs no
 * key at all. The text comes from {@link ProxyModeEnvironment}, the paths from the {@link LocalCa} service.
 */
public final class RunToolPane extends VBox {
	/** The command part of the copied line, for the person to replace. */
	static final String COMMAND_PLACEHOLDER = "YOUR_COMMAND";

	private final int port;
	private final LocalCa ca;
	private final TextField runLine = new TextField();
	private final TextArea environment = new TextArea();
	private final Label title = new Label();

	public RunToolPane(int port, LocalCa ca) {
		this.port = port;
		this.ca = ca;
		setSpacing(6);
		getStyleClass().add("run-tool");
		title.getStyleClass().add("section-title");
		runLine.setId("run-line");
		runLine.setEditable(false);
		runLine.setAccessibleText("The amk run command for this agent");
		HBox.setHgrow(runLine, Priority.ALWAYS);
		Button copyLine = new Button("Copy");
		copyLine.setId("run-line-copy");
		copyLine.setOnAction(e -> copy(runLine.getText()));
		environment.setId("run-environment");
		environment.setEditable(false);
		environment.setPrefRowCount(6);
		environment.setAccessibleText("Proxy-mode environment for this agent");
		Button copyEnvironment = new Button("Copy environment");
		copyEnvironment.setId("run-environment-copy");
		copyEnvironment.setOnAction(e -> copy(environment.getText()));
		Label note = new Label("amk run gives the command a short-lived key of its own and sets all of this. For a tool started another way,"
				+ " replace " + ProxyModeEnvironment.KEY_PLACEHOLDER + " with the key shown when the agent was made (or rotate it for a new one).");
		note.getStyleClass().add("secondary");
		note.setWrapText(true);
		getChildren().addAll(title, new HBox(6, runLine, copyLine), note, environment, copyEnvironment);
		show(null);
	}

	/** Shows the pane for {@code agent}, or hides it when no agent is selected. */
	public void show(String agent) {
		setVisible(agent != null);
		setManaged(agent != null);
		if (agent == null) {
			return;
		}
		title.setText("Run a tool with " + agent);
		runLine.setText(ProxyModeEnvironment.runLine(agent, COMMAND_PLACEHOLDER));
		Map<String, String> env = ProxyModeEnvironment.of(agent, ProxyModeEnvironment.KEY_PLACEHOLDER, port, ca.certificatePath(), ca.bundlePath());
		environment.setText(env.entrySet().stream().map(e -> "export " + e.getKey() + "='" + e.getValue() + "'").collect(Collectors.joining("\n")));
	}

	private static void copy(String text) {
		ClipboardContent content = new ClipboardContent();
		content.putString(text);
		Clipboard.getSystemClipboard().setContent(content);
	}
}
