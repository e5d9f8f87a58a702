package dev.amk.ui.notify;

import dev.amk.access.AccessSnapshot;
import dev.amk.connections.Connection;
import dev.amk.connections.OAuthDetails;
import dev.amk.providers.ClientAuth;
import dev.amk.providers.Providers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconnectNotifierTest {
	final List<String> shown = new ArrayList<>();
	final AtomicBoolean enabled = new AtomicBoolean(true);
	final ReconnectNotifier notifier = new ReconnectNotifier((title, message) -> shown.add(title + " | " + message), enabled::get);

	private static Connection github(String name, OAuthDetails.Status status) {
		OAuthDetails oauth = new OAuthDetails(null, HttpUrl.get("https://github.com/login/oauth/access_token"), null, null, "id", null,
				ClientAuth.POST, List.of("repo"), null, "octocat", null, status, null);
		return new Connection(1, name, Providers.GITHUB, HttpUrl.get("https://api.github.com"), Providers.GITHUB.defaultInjection(), "ref-" + name,
				Instant.EPOCH, oauth);
	}

	private static AccessSnapshot with(Connection... connections) {
		return new AccessSnapshot(List.of(connections), Map.of());
	}

	@Test
	void saysItOncePerLossAndAgainAfterARecovery() {
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.CONNECTED)));
		assertTrue(shown.isEmpty());
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.NEEDS_RECONNECT)));
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.NEEDS_RECONNECT)));
		assertEquals(List.of("GitHub needs you to sign in again | The connection 'gh' lost its sign-in (octocat). Agents using it get an"
				+ " error until you open Connections and click Reconnect."), shown);
		assertEquals(Set.of("gh"), notifier.needingReconnect());
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.CONNECTED)));
		assertEquals(Set.of(), notifier.needingReconnect());
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.NEEDS_RECONNECT)));
		assertEquals(2, shown.size());
	}

	@Test
	void notificationsOffStillTrackTheStateForTheTray() {
		enabled.set(false);
		notifier.onSnapshot(with(github("gh", OAuthDetails.Status.NEEDS_RECONNECT), github("other", OAuthDetails.Status.CONNECTED)));
		assertTrue(shown.isEmpty());
		assertEquals(Set.of("gh"), notifier.needingReconnect());
	}
}
