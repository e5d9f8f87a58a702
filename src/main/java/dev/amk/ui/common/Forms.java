package dev.amk.ui.common;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** The pieces every form dialog is laid out with, so the dialogs line up with each other. */
public final class Forms {
	private Forms() {
	}

	/** A labelled field that takes the rest of the row; the label names the field for screen readers. */
	public static HBox row(String text, Node field) {
		Label label = new Label(text);
		label.getStyleClass().add("form-label");
		if (field instanceof Control c) {
			label.setLabelFor(c);
			c.setMaxWidth(Double.MAX_VALUE);
		}
		HBox.setHgrow(field, Priority.ALWAYS);
		HBox row = new HBox(10, label, field);
		row.setAlignment(Pos.CENTER_LEFT);
		return row;
	}

	/** Small explanatory text that wraps. */
	public static Label hint(String text) {
		Label l = new Label(text);
		l.getStyleClass().add("hint");
		l.setWrapText(true);
		return l;
	}

	/** Lines a hint up under its field (past the label column). */
	public static Node indented(Label hint) {
		hint.setPadding(new Insets(-4, 0, 0, 100));
		return hint;
	}
}
