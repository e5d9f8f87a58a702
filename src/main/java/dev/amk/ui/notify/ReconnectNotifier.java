package dev.amk.ui.notify;

import dev.amk.access.AccessSnapshot;
import dev.amk.connections.Connection;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Tells the person, once, when an OAuth connection's sign-in has died at the provider: until they reconnect it,
 * every agent using it gets {@code connection_needs_reauth}, and only they can fix that. Fed every registry
 * snapshot; a connection that recovers and dies again is news again.
 */
public final class ReconnectNotifier {
	private final DeniedNotifier.SystemNotifier notifier;
	private final BooleanSupplier enabled;
	private Set<String> needing = Set.of();

	public ReconnectNotifier(DeniedNotifier.SystemNotifier notifier, BooleanSupplier enabled) {
		this.notifier = notifier;
		this.enabled = enabled;
	}

	/** The connections that need reconnecting now, for the tray's alert state. */
	public synchronized Set<String> needingReconnect() {
		return needing;
	}

	/** Feed it every registry snapshot (AccessRegistry listener). */
	public synchronized void onSnapshot(AccessSnapshot snapshot) {
		Set<String> now = new HashSet<>();
		for (Connection c : snapshot.connections()) {
			if (c.isOAuth() && c.oauth().needsReconnect()) {
				now.add(c.name());
				if (!needing.contains(c.name()) && enabled.getAsBoolean()) {
					notifier.notify(c.provider().displayName() + " needs you to sign in again", message(c));
				}
			}
		}
		needing = Set.copyOf(now);
	}

	static String message(Connection c) {
		String who = c.oauth().identity() == null ? "" : " (" + c.oauth().identity() + ")";
		return "The connection '" + c.name() + "' lost its sign-in" + who + ". Agents using it get an error until you open"
				+ " Connections and click Reconnect.";
	}
}
