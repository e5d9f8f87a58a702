package dev.amk.proxy;

import java.time.Duration;

/**
 * Tunables of the proxy.
 *
 * @param port             127.0.0.1 port; 0 picks a free one (tests)
 * @param connectTimeout   how long to wait for the upstream's TCP/TLS handshake
 * @param firstByteTimeout how long an upstream may think before its response headers; long, because a
 *                         reasoning model answering without streaming can be silent for minutes
 * @param idleTimeout      the longest silence allowed inside a streamed response
 */
public record ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
	public static final int DEFAULT_PORT = 9323;

	public static ProxySettings defaults(int port) {
		return new ProxySettings(port, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(5));
	}

	public ProxySettings withTimeouts(Duration connect, Duration firstByte, Duration idle) {
		return new ProxySettings(port, connect, firstByte, idle);
	}
}
