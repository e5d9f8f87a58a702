package dev.amk.cli;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * For a sign-in approved in a browser on another machine (over SSH, say): that browser's redirect to
 * {@code http://127.0.0.1:PORT/callback?code=…&state=…} fails there, but its address bar holds the answer. Pasted
 * on stdin, the address's path and query are delivered to this machine's own listener, which checks them exactly
 * as it checks a browser's redirect (state, path, single use). Nothing from the paste but path and query is used:
 * the request always goes to 127.0.0.1 and the listener's port.
 */
final class PastedRedirect {
	private final AtomicReference<HttpUrl> listener = new AtomicReference<>();
	private final PrintWriter err;
	private final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).callTimeout(Duration.ofSeconds(10)).build();

	PastedRedirect(PrintWriter err) {
		this.err = err;
	}

	/** The redirect URI this sign-in sent (from the authorization URL), once it is known. */
	void listeningAt(String authorizationUrl) {
		HttpUrl url = HttpUrl.parse(authorizationUrl);
		String redirect = url == null ? null : url.queryParameter("redirect_uri");
		HttpUrl parsed = redirect == null ? null : HttpUrl.parse(redirect);
		if (parsed != null) {
			listener.set(parsed.newBuilder().host("127.0.0.1").build());
		}
	}

	/** Reads pasted addresses until stdin ends, on a daemon thread; the sign-in ends it by finishing. */
	void readFrom(InputStream in) {
		Thread.ofPlatform().daemon().name("amk-connect-paste").start(() -> {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (!line.isBlank()) {
						deliver(line.strip());
					}
				}
			} catch (IOException e) {
				// stdin closed: nothing more will be pasted
			}
		});
	}

	void deliver(String pasted) {
		HttpUrl address = HttpUrl.parse(pasted);
		HttpUrl target = listener.get();
		if (address == null || target == null || address.encodedQuery() == null) {
			say("That is not the address of a sign-in redirect. Paste the whole address from the browser's address bar"
					+ " (it starts with http://127.0.0.1: or http://localhost:).");
			return;
		}
		HttpUrl local = target.newBuilder().encodedPath(address.encodedPath()).encodedQuery(address.encodedQuery()).build();
		try (Response r = http.newCall(new Request.Builder().url(local).build()).execute()) {
			switch (r.code()) {
				case 200 -> say("Received; finishing the sign-in…");
				case 400 -> say("That address does not belong to this sign-in (or the provider refused it). Check you approved the"
						+ " request this command printed.");
				case 410 -> say("This sign-in already received its answer.");
				default -> say("That address does not belong to this sign-in (HTTP " + r.code() + ").");
			}
		} catch (IOException e) {
			say("This sign-in is no longer waiting for an answer.");
		}
	}

	private void say(String text) {
		synchronized (err) {
			err.println(text);
			err.flush();
		}
	}
}
