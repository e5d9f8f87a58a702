package dev.amk.providers;

/**
 * Where a provider lets a desktop app receive the OAuth redirect. Most accept the loopback IP on any port
 * (RFC 8252 §7.3); a few (Slack) take only {@code localhost} on the exact port registered, so that one is fixed.
 *
 * @param port 0 for any free port
 */
public record RedirectAddress(String host, int port) {
	/** The path the broker's listener answers on, the same for every provider. */
	public static final String PATH = "/callback";
	public static final RedirectAddress LOOPBACK_IP = new RedirectAddress("127.0.0.1", 0);

	public RedirectAddress {
		if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
			throw new IllegalArgumentException("a loopback redirect host: " + host);
		}
	}

	/** The redirect URI a person registers with the provider: without a port when any port will do. */
	public String toRegister() {
		return "http://" + host + (port == 0 ? "" : ":" + port) + PATH;
	}
}
