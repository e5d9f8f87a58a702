package dev.amk.ui.connections;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.OAuthDetails;
import dev.amk.mcp.McpAuthorization;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.TokenEndpoint.DeviceAuthorization;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * One OAuth sign-in as the Connect dialog shows it, as observable state: the phase, the step the connector is
 * at, the page to approve on (or the device code to enter), and the outcome. {@link #start} checks the request
 * and runs the attempt on the background executor; the connector's progress reaches the properties on the FX
 * thread. {@link #cancel} ends a running attempt; the phase returns to {@link Phase#EDITING} only once the
 * attempt has really ended, so "nothing was stored" is never said too early.
 *
 * <p>Properties change on the FX thread only; call {@link #start} and {@link #cancel} there.
 */
public final class OAuthSignIn {
	/** Where the dialog is. */
	public enum Phase {
		/** The form can be edited; a previous attempt, if any, has ended. */
		EDITING,
		/** An attempt is running: checking, waiting for the person's approval, or storing. */
		WORKING,
		/** Cancel was asked for; waiting for the attempt to stop. */
		CANCELLING,
		/** The connection is stored; see {@link #connectedProperty()}. */
		CONNECTED
	}

	private final OAuthConnector connector;
	private final McpAuthorization mcp;
	private final Executor background;
	private final Runnable refreshRows;
	private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.EDITING);
	private final ReadOnlyStringWrapper step = new ReadOnlyStringWrapper("");
	private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
	private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
	private final ReadOnlyStringWrapper authorizationUrl = new ReadOnlyStringWrapper();
	private final ReadOnlyBooleanWrapper browserOpened = new ReadOnlyBooleanWrapper();
	private final ReadOnlyObjectWrapper<DeviceAuthorization> device = new ReadOnlyObjectWrapper<>();
	private final ReadOnlyObjectWrapper<OAuthConnector.Connected> connected = new ReadOnlyObjectWrapper<>();
	/** The attempt the properties describe; progress from an older one is dropped. FX thread only. */
	private Run current;

	/** @param refreshRows runs on the FX thread just before success is reported, so the new row is already listed */
	OAuthSignIn(OAuthConnector connector, McpAuthorization mcp, Executor background, Runnable refreshRows) {
		this.connector = connector;
		this.mcp = mcp;
		this.background = background;
		this.refreshRows = refreshRows;
	}

	/**
	 * Checks the request and, if it is usable, signs in. Problems with the request ({@link OAuthConnector#prepare})
	 * end in {@link #errorProperty()} before any browser opens. Ignored unless {@link Phase#EDITING}.
	 *
	 * @param secret the client secret as typed, kept out of any message shown
	 */
	public void start(OAuthConnector.Request request, String secret) {
		begin(() -> {
			OAuthConnector.Attempt a = connector.prepare(request);
			return new Work() {
				@Override
				public OAuthConnector.Connected run(OAuthConnector.Progress progress) {
					return a.run(progress);
				}

				@Override
				public void cancel() {
					a.cancel();
				}
			};
		}, secret);
	}

	/**
	 * MCP authorization of a remote MCP server, as {@code amk mcp add} runs it (discovery from its 401, dynamic client
	 * registration unless a client id is given, PKCE, the system browser), shown through the same properties.
	 */
	public void startMcp(McpAuthorization.Request request) {
		begin(() -> {
			if (mcp == null) {
				throw AmkException.invalid("Signing in to an MCP server is not available in this window. Use 'amk mcp add " + request.name()
						+ " --url URL' in a terminal.");
			}
			McpAuthorization.Attempt a = mcp.attempt();
			return new Work() {
				@Override
				public OAuthConnector.Connected run(OAuthConnector.Progress progress) {
					Connection c = a.run(request, progress);
					OAuthDetails o = c.oauth();
					return new OAuthConnector.Connected(c, o == null ? null : o.identity(), o == null ? List.of() : o.effectiveScopes(),
							o == null ? null : o.accessExpiresAt());
				}

				@Override
				public void cancel() {
					a.cancel();
				}
			};
		}, request.clientSecret());
	}

	/** One sign-in as the run sees it: prepared off the FX thread (checks, no browser yet), then run; cancellable from any thread. */
	private interface Work {
		OAuthConnector.Connected run(OAuthConnector.Progress progress);

		void cancel();
	}

	private interface Preparation {
		Work prepare();
	}

	private void begin(Preparation preparation, String secret) {
		if (phase.get() != Phase.EDITING) {
			return;
		}
		error.set("");
		notice.set("");
		authorizationUrl.set(null);
		browserOpened.set(false);
		device.set(null);
		connected.set(null);
		step.set("Checking the details…");
		phase.set(Phase.WORKING);
		Run run = new Run(secret);
		current = run;
		background.execute(() -> run.go(preparation));
	}

	/** Ends the running attempt: the redirect listener closes, device polling stops, nothing is stored. */
	public void cancel() {
		Run run = current;
		if (run == null || phase.get() != Phase.WORKING) {
			return;
		}
		phase.set(Phase.CANCELLING);
		step.set("Cancelling…");
		run.cancel();
	}

	/** True while an attempt runs (cancelling included): the form is locked. */
	public boolean isRunning() {
		return phase.get() == Phase.WORKING || phase.get() == Phase.CANCELLING;
	}

	public ReadOnlyObjectProperty<Phase> phaseProperty() {
		return phase.getReadOnlyProperty();
	}

	public Phase phase() {
		return phase.get();
	}

	/** What is happening now, in the connector's words: "Waiting for you to approve in the browser…". */
	public ReadOnlyStringProperty stepProperty() {
		return step.getReadOnlyProperty();
	}

	/** Why the last attempt failed, ready to show; empty when it did not. */
	public ReadOnlyStringProperty errorProperty() {
		return error.getReadOnlyProperty();
	}

	/** A neutral outcome, such as "Cancelled. Nothing was stored."; empty otherwise. */
	public ReadOnlyStringProperty noticeProperty() {
		return notice.getReadOnlyProperty();
	}

	/** The provider's approval page for this attempt (browser flow); null until known, and in the device flow. */
	public ReadOnlyStringProperty authorizationUrlProperty() {
		return authorizationUrl.getReadOnlyProperty();
	}

	/** Whether a browser was asked to show the approval page (or the device page). */
	public ReadOnlyBooleanProperty browserOpenedProperty() {
		return browserOpened.getReadOnlyProperty();
	}

	/** Device flow: the code to enter and where; null until known, and in the browser flow. */
	public ReadOnlyObjectProperty<DeviceAuthorization> deviceProperty() {
		return device.getReadOnlyProperty();
	}

	/** The stored connection and what the provider granted, once {@link Phase#CONNECTED}. */
	public ReadOnlyObjectProperty<OAuthConnector.Connected> connectedProperty() {
		return connected.getReadOnlyProperty();
	}

	/** One attempt, from the background thread's side: it prepares, runs, and reports back on the FX thread. */
	private final class Run implements OAuthConnector.Progress {
		private final String secret;
		private volatile Work attempt;
		private volatile boolean cancelled;

		Run(String secret) {
			this.secret = secret;
		}

		void go(Preparation preparation) {
			try {
				Work a = preparation.prepare();
				attempt = a;
				if (cancelled) { // Cancel came while the request was being checked: no browser, no provider call
					a.cancel();
					throw new AmkException(ErrorType.OAUTH_CANCELLED, "The sign-in was cancelled; nothing was stored.");
				}
				OAuthConnector.Connected done = a.run(this); // stored, and served by the proxy, when it returns
				fx(() -> succeeded(done));
			} catch (Throwable t) {
				fx(() -> failed(t));
			}
		}

		void cancel() {
			cancelled = true; // both volatile: either go() sees the flag, or this sees the attempt
			Work a = attempt;
			if (a != null) {
				a.cancel();
			}
		}

		@Override
		public void authorizationUrl(String url, boolean opened) {
			fx(() -> {
				authorizationUrl.set(url);
				browserOpened.set(opened);
			});
		}

		@Override
		public void deviceCode(DeviceAuthorization d, boolean opened) {
			fx(() -> {
				device.set(d);
				browserOpened.set(opened);
			});
		}

		@Override
		public void step(String text) {
			fx(() -> {
				if (phase.get() == Phase.WORKING) { // "Cancelling…" stays until the attempt has ended
					step.set(text);
				}
			});
		}

		private void succeeded(OAuthConnector.Connected done) {
			refreshRows.run();
			connected.set(done);
			step.set("");
			phase.set(Phase.CONNECTED);
		}

		private void failed(Throwable t) {
			Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
			step.set("");
			if (e instanceof AmkException amk && amk.is(ErrorType.OAUTH_CANCELLED)) {
				notice.set("Cancelled. Nothing was stored.");
			} else {
				error.set(ConnectionsModel.describe(e, secret == null || secret.isEmpty() ? null : secret));
			}
			phase.set(Phase.EDITING);
		}

		/** Runs on the FX thread, and only while this is still the attempt the dialog shows. */
		private void fx(Runnable r) {
			Platform.runLater(() -> {
				if (current == this) {
					r.run();
				}
			});
		}
	}
}
