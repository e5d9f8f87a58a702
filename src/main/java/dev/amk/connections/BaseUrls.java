package dev.amk.connections;

import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.InvalidInput;
import okhttp3.HttpUrl;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Validation of a connection's upstream base URL: the one host its secret may ever be sent to. */
public final class BaseUrls {
	private BaseUrls() {
	}

	public static HttpUrl parse(String text) {
		HttpUrl url = HttpUrl.parse(text == null ? "" : text.strip());
		if (url == null) {
			throw new InvalidInput(Field.BASE_URL, Problem.MALFORMED, "'" + text + "' is not an http(s) URL. Give the API's root, for example https://api.example.com/v1.");
		}
		if (!url.username().isEmpty() || !url.password().isEmpty()) {
			throw new InvalidInput(Field.BASE_URL, Problem.UNSAFE, w -> "The base URL must not contain a user or password; the secret is read from "
					+ w.name(Field.SECRET) + ".");
		}
		if (url.query() != null || url.fragment() != null) {
			throw new InvalidInput(Field.BASE_URL, Problem.MALFORMED, "The base URL must not contain a query or fragment; give only scheme, host, port and path.");
		}
		if (url.scheme().equals("http") && !isLoopback(url.host())) {
			throw new InvalidInput(Field.BASE_URL, Problem.UNSAFE, "Refusing to send a real credential over plain http to " + url.host()
					+ ". Use https, or http only for a service on this machine (127.0.0.1, localhost).");
		}
		// Normalise away the trailing slash so that base + "/rest" never doubles it.
		String path = url.encodedPath();
		if (path.endsWith("/") && path.length() > 1) {
			return url.newBuilder().encodedPath(path.substring(0, path.length() - 1)).build();
		}
		return path.equals("/") ? url.newBuilder().encodedPath("/").build() : url;
	}

	/**
	 * An OAuth endpoint (authorize, token, device, revoke): https, or http on this machine only, because a client
	 * secret, an authorization code and refresh tokens travel to it. {@code what} names it in the error.
	 */
	public static HttpUrl endpoint(Field field, String what, String text) {
		HttpUrl url = HttpUrl.parse(text == null ? "" : text.strip());
		if (url == null) {
			throw new InvalidInput(field, Problem.MALFORMED, "The " + what + " '" + text + "' is not an http(s) URL. Copy it from the provider's OAuth documentation.");
		}
		if (!url.username().isEmpty() || !url.password().isEmpty() || url.fragment() != null) {
			throw new InvalidInput(field, Problem.UNSAFE, "The " + what + " must not contain a user, a password or a #fragment.");
		}
		if (url.scheme().equals("http") && !isLoopback(url.host())) {
			throw new InvalidInput(field, Problem.UNSAFE, "The " + what + " must use https (plain http only for a server on this machine): codes and"
					+ " tokens travel to it.");
		}
		return url;
	}

	static boolean isLoopback(String host) {
		if (host.equals("localhost")) {
			return true;
		}
		if (!host.matches("[0-9.]+") && !host.contains(":")) {
			return false; // a DNS name other than localhost: never treat as local
		}
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		} catch (UnknownHostException e) {
			return false;
		}
	}
}
