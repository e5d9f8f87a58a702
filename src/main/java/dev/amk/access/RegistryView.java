package dev.amk.access;

import java.util.function.Consumer;

/**
 * The access registry as the UI sees it: the current snapshot and news of each new one, and no way to reload,
 * start or stop it. Changes reach the registry through the services, which reload it after they commit.
 */
public interface RegistryView {
	/** The registry as of the latest commit. */
	AccessSnapshot current();

	/** Called with each new snapshot, on the thread that loaded it. Keep listeners quick. */
	void addListener(Consumer<AccessSnapshot> listener);
}
