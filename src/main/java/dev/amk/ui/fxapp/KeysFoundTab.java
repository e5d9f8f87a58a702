package dev.amk.ui.fxapp;

import dev.amk.ui.doctor.KeysFoundModel;
import dev.amk.ui.doctor.KeysFoundView;
import javafx.scene.control.Tab;

import java.nio.file.Path;

/**
 * Puts the "Keys found" view ({@code ui.doctor}) in the main window; it lives here so that {@code ui.doctor} knows nothing
 * of the window (no cycle between the two packages). On a first run the window opens on it, with a scan under way.
 */
public final class KeysFoundTab {
	public static final String TAB_ID = "tab-doctor";

	private KeysFoundTab() {
	}

	/**
	 * Call once, on the FX thread. {@code firstRun}: the person has no connections yet, so the app greets them with
	 * the scan instead of an empty list. Otherwise the scan runs the first time the tab is opened.
	 */
	public static KeysFoundView install(MainWindow window, KeysFoundModel model, Path home, boolean firstRun) {
		KeysFoundView view = new KeysFoundView(model, home, () -> window.selectTab("tab-connections"));
		Tab tab = window.addTab("Keys found", view, TAB_ID);
		if (firstRun) {
			window.selectTab(TAB_ID);
			view.scan();
			window.show();
		} else {
			tab.selectedProperty().subscribe(selected -> {
				if (selected && view.report() == null) {
					view.scan();
				}
			});
		}
		return view;
	}
}
