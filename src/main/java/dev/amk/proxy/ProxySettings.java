package dev.amk.proxy;

import okhttp3.OkHttpClient;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Tunables of the proxy.
 *
 * @param port             127.0.0.1 port; 0 picks a free one (tests)
 * @param connectTimeout   how long to wait for the upstream's TCP/TLS handshake
 * @param firstByteTimeout how long an upstream may think before its response headers; long, because a
 *                         reasoning model answering without streaming can be silent for minutes
 * @param idleTimeout      the longest silence allowed inside a streamed response
 * @param upstreamTuning   last changes to the upstream client; identity in production. Tests use it to let a
 *                         loopback server stand for a public host (DNS and trust), which no setting can do.
 */
public record ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
		UnaryOperator<OkHttpClient.Builder> upstreamTuning) {
	public static final int DEFAULT_PORT = 9323;

	public ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
		this(port, connectTimeout, firstByteTimeout, idleTimeout, UnaryOperator.identity());
	}

	public static ProxySettings defaults(int port) {
		return new ProxySettings(port, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(5));
	}

	public ProxySettings withTimeouts(Duration connect, Duration firstByte, Duration idle) {
		return new ProxySettings(port, connect, firstByte, idle, upstreamTuning);
	}

	public ProxySettings withUpstreamTuning(UnaryOperator<OkHttpClient.Builder> tuning) {
		return new ProxySettings(port, connectTimeout, firstByteTimeout, idleTimeout, tuning);
	}
}
