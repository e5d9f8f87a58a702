package dev.amk.ui.common;

import javafx.collections.ObservableList;

/** Keeps a list's rows in place when models refresh, so that selection and focus survive an update. */
public final class RowLists {
	private RowLists() {
	}

	/** Moves (or inserts) {@code row} to {@code index}, touching the list only when it is elsewhere. */
	public static <T> void placeAt(ObservableList<T> rows, int index, T row) {
		int at = rows.indexOf(row);
		if (at != index) {
			if (at >= 0) {
				rows.remove(at);
			}
			rows.add(index, row);
		}
	}
}
