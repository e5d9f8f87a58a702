package dev.amk.ui.doctor;

import dev.amk.ui.fxapp.MainWindow;
import javafx.scene.control.Tab;

import java.nio.file.Path;

/** Puts the "Keys found" view in the main window; on a first run the window opens on it, with a scan under way. */
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
