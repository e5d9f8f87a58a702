package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.providers.RedirectAddress;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one-shot loopback listener of an OAuth authorization-code flow (RFC 8252 §7.3): 127.0.0.1 on an
 * ephemeral port, one expected path, one expected {@code state}. The first request that carries the right
 * state on the right path settles the flow (with a code or the provider's error); anything else is refused
 * and changes nothing; every request after the flow settled is refused.
 */
public final class LoopbackRedirect implements AutoCloseable {
	public static final String PATH = RedirectAddress.PATH;

	private final Server server = new Server();
	private final ServerConnector connector;
	private final String redirectHost;
	private final String expectedState;
	private final CompletableFuture<String> code = new CompletableFuture<>();
	private final AtomicBoolean settled = new AtomicBoolean();

	/** The usual listener: {@code http://127.0.0.1:EPHEMERAL/callback} (RFC 8252 §7.3: the provider ignores the port). */
	public LoopbackRedirect(String expectedState) {
		this(expectedState, RedirectAddress.LOOPBACK_IP);
	}

	/** {@code redirect}: where the provider lets a desktop app receive the redirect (Slack: one fixed localhost port). */
	public LoopbackRedirect(String expectedState, RedirectAddress redirect) {
		this.expectedState = expectedState;
		this.redirectHost = redirect.host();
		this.connector = new ServerConnector(server);
		// 127.0.0.1 even for "localhost": the browser falls back to IPv4 when ::1 refuses, and nothing but the
		// loopback interface ever sees the listener.
		connector.setHost("127.0.0.1");
		connector.setPort(redirect.port());
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				answer(request, response, callback);
				return true;
			}
		});
		try {
			server.start();
		} catch (Exception e) {
			String why = redirect.port() != 0 && e instanceof java.io.IOException
					? "port " + redirect.port() + " is in use. Close the program using it (or a sign-in still waiting), then try again."
					: e.getMessage();
			throw new AmkException(ErrorType.OAUTH_LISTENER_FAILED, "Could not listen on 127.0.0.1 for the sign-in redirect: " + why, e);
		}
	}

	/** {@code http://127.0.0.1:PORT/callback} (or localhost): the redirect URI to send. */
	public String redirectUri() {
		return "http://" + redirectHost + ":" + connector.getLocalPort() + PATH;
	}

	private void answer(Request request, Response response, Callback callback) {
		if (settled.get()) {
			page(response, callback, 410, "This sign-in link was already used", "You can close this tab.");
			return;
		}
		if (!PATH.equals(request.getHttpURI().getPath()) || !"GET".equals(request.getMethod())) {
			page(response, callback, 404, "Not found", "This address only receives the sign-in redirect.");
			return;
		}
		Fields query = Request.extractQueryParameters(request);
		String state = query.getValue("state");
		if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8), expectedState.getBytes(StandardCharsets.UTF_8))) {
			page(response, callback, 400, "Sign-in refused", "The request did not come from the sign-in Agent Master Key started. Start it again from the app.");
			return;
		}
		if (!settled.compareAndSet(false, true)) {
			page(response, callback, 410, "This sign-in link was already used", "You can close this tab.");
			return;
		}
		String error = query.getValue("error");
		String value = query.getValue("code");
		if (error != null || value == null || value.isBlank()) {
			String why = error == null ? "no authorization code" : error.replaceAll("[^A-Za-z0-9_.-]", "");
			AmkException denied = new AmkException(ErrorType.OAUTH_DENIED, "The provider did not authorize the connection (" + why
					+ "). Start again, and approve the request in the browser.");
			page(response, settleAfter(callback, () -> code.completeExceptionally(denied)), 400, "Not connected",
					"The provider said: " + why + ". Return to Agent Master Key and try again.");
			return;
		}
		page(response, settleAfter(callback, () -> code.complete(value)), 200, "Connected",
				"Agent Master Key received the authorization. You can close this tab.");
	}

	/**
	 * Settles the flow only once the page is written: the waiting side closes this listener as soon as it is settled,
	 * and closing first would show the browser a reset connection instead of the page.
	 */
	private static Callback settleAfter(Callback callback, Runnable settle) {
		return new Callback() {
			@Override
			public void succeeded() {
				callback.succeeded();
				settle.run();
			}

			@Override
			public void failed(Throwable x) {
				callback.failed(x);
				settle.run();
			}
		};
	}

	/** Waits for the redirect; throws with a clear message on denial, timeout or cancel. */
	public String awaitCode(Duration timeout) {
		try {
			return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		} catch (TimeoutException e) {
			throw new AmkException(ErrorType.OAUTH_TIMEOUT, "No sign-in arrived within " + (timeout.toSeconds() < 120 ? timeout.toSeconds()
					+ " seconds" : timeout.toMinutes() + " minutes") + ". Start again when ready.", e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AmkException(ErrorType.OAUTH_CANCELLED, "The sign-in was cancelled.", e);
		} catch (ExecutionException e) {
			throw e.getCause() instanceof AmkException amk ? amk : new AmkException(ErrorType.OAUTH_FAILED, "The sign-in failed.", e.getCause());
		} catch (java.util.concurrent.CancellationException e) {
			throw new AmkException(ErrorType.OAUTH_CANCELLED, "The sign-in was cancelled.", e);
		}
	}

	/** Cancel: a waiting {@link #awaitCode} returns with "cancelled", later redirects are refused. */
	public void cancel() {
		settled.set(true);
		code.cancel(false);
	}

	private static void page(Response response, Callback callback, int status, String title, String text) {
		response.setStatus(status);
		response.getHeaders().put("Content-Type", "text/html; charset=utf-8");
		response.getHeaders().put("Cache-Control", "no-store");
		response.getHeaders().put("Referrer-Policy", "no-referrer");
		String html = "<!doctype html><meta charset=utf-8><title>" + title + " · Agent Master Key</title>"
				+ "<body style=\"font-family:system-ui,sans-serif;max-width:32em;margin:4em auto\"><h1>" + title + "</h1><p>" + text + "</p>";
		response.write(true, ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8)), callback);
	}

	@Override
	public void close() {
		cancel();
		try {
			server.stop();
		} catch (Exception ignored) {
			// the flow is over either way
		}
	}
}
