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
 * @param limits           what one client may hold of the broker (docs/contract.md, "Limits")
 * @param upstreamTuning   last changes to the upstream client; identity in production. Tests use it to let a
 *                         loopback server stand for a public host (DNS and trust), which no setting can do.
 * @param containers       whether agents in containers are served, and the bridge address also listened on
 *                         ({@link ContainerAccess}); off by default
 */
public record ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, Limits limits,
		UnaryOperator<OkHttpClient.Builder> upstreamTuning, ContainerAccess containers, TunnelDestinations tunnelDestinations) {

	/** Containers off; blind tunnels reach public addresses only ({@link TunnelDestinations#PUBLIC_ONLY}). */
	public ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, Limits limits,
			UnaryOperator<OkHttpClient.Builder> upstreamTuning) {
		this(port, connectTimeout, firstByteTimeout, idleTimeout, limits, upstreamTuning, ContainerAccess.OFF, TunnelDestinations.PUBLIC_ONLY);
	}

	/** Tests: a loopback server standing for a public host that a blind tunnel reaches, which the production vetting refuses. */
	public ProxySettings withTunnelDestinations(TunnelDestinations destinations) {
		return new ProxySettings(port, connectTimeout, firstByteTimeout, idleTimeout, limits, upstreamTuning, containers, destinations);
	}

	public static final int DEFAULT_PORT = 9323;
	/**
	 * Bounds on what a slow or greedy client can hold. An agent on the same machine sends its headers in
	 * microseconds and its body at memory speed, so the deadlines only ever catch a stuck or hostile client.
	 *
	 * @param headerReadTimeout        from a connection's first byte of a request (or its opening) to the end of that request's
	 *                                 headers; a client trickling header bytes is cut after this
	 * @param minUploadBytesPerSecond  the slowest average rate a request body may arrive at, once {@code uploadGrace} has passed
	 * @param uploadGrace              how long an upload may be slower than that before the rate counts
	 * @param maxConcurrentUpstream    requests forwarded at once, all agents together; more get 429 {@code rate_limited}
	 * @param maxConcurrentPerAgent    requests forwarded at once for one agent; more get 429 {@code rate_limited}
	 */
	public record Limits(Duration headerReadTimeout, long minUploadBytesPerSecond, Duration uploadGrace, int maxConcurrentUpstream,
			int maxConcurrentPerAgent) {
		/**
		 * 4,096 requests at once in all: 2,000 open streams through one broker measured at well under its 256 MB heap
		 * (docs/benchmarks.md, "Bursts"); the cap is there so that the heap, not the agents, sets the limit.
		 */
		public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(10), 1024, Duration.ofSeconds(10), 4096, 64);

		public Limits {
			if (headerReadTimeout.isNegative() || headerReadTimeout.isZero() || uploadGrace.isNegative() || minUploadBytesPerSecond < 0
					|| maxConcurrentUpstream < 1 || maxConcurrentPerAgent < 1) {
				throw new IllegalArgumentException("proxy limits must be positive (the upload grace and minimum rate may be 0)");
			}
		}
	}

	public ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
		this(port, connectTimeout, firstByteTimeout, idleTimeout, Limits.DEFAULTS);
	}

	public ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, Limits limits) {
		this(port, connectTimeout, firstByteTimeout, idleTimeout, limits, UnaryOperator.identity());
	}

	public ProxySettings(int port, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
			UnaryOperator<OkHttpClient.Builder> upstreamTuning) {
		this(port, connectTimeout, firstByteTimeout, idleTimeout, Limits.DEFAULTS, upstreamTuning);
	}

	public static ProxySettings defaults(int port) {
		return new ProxySettings(port, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(5));
	}

	public ProxySettings withTimeouts(Duration connect, Duration firstByte, Duration idle) {
		return new ProxySettings(port, connect, firstByte, idle, limits, upstreamTuning, containers, tunnelDestinations);
	}

	public ProxySettings withLimits(Limits newLimits) {
		return new ProxySettings(port, connectTimeout, firstByteTimeout, idleTimeout, newLimits, upstreamTuning, containers, tunnelDestinations);
	}

	public ProxySettings withUpstreamTuning(UnaryOperator<OkHttpClient.Builder> tuning) {
		return new ProxySettings(port, connectTimeout, firstByteTimeout, idleTimeout, limits, tuning, containers, tunnelDestinations);
	}

	public ProxySettings withContainers(ContainerAccess access) {
		return new ProxySettings(port, connectTimeout, firstByteTimeout, idleTimeout, limits, upstreamTuning, access, tunnelDestinations);
	}
}
