import okhttp3.Authenticator;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * bench/tunnel.sh's client: {@code TunnelLatency PROXY_PORT AGENT KEY CA_PEM UPSTREAM_PORT N NEW_TUNNELS
 * UPSTREAM_TLS_PORT UPSTREAM_CA_PEM WARMUP_SECONDS}.
 * <ul>
 * <li>kept alive: N GETs of {@code https://api.openai.com/v1/models} through one intercepted tunnel (CONNECT with
 * {@code Proxy-Authorization}, TLS with the broker's leaf, then HTTP/1.1 inside), N GETs sent straight to the
 * loopback upstream over plain HTTP and N straight to it over TLS (issue 12's baseline), each on one kept-alive
 * connection, interleaved in blocks of 100;</li>
 * <li>new connections: NEW_TUNNELS first requests, each on a new client (new connection, CONNECT, full TLS handshake
 * with the leaf the broker already holds, one request), interleaved one by one with as many requests straight to the
 * upstream over TLS, each on a new client too (new connection, full handshake, one request). Each new client has its
 * own SSLContext, so no session is resumed on either side.</li>
 * </ul>
 * Before measuring, both sides are warmed up (JIT) for WARMUP_SECONDS: the first half kept-alive requests of the three
 * kinds, the second half new connections of both kinds; with 0, 500 kept-alive requests and 50 new connections of each.
 * Prints {@code tunnel_p50_ms= tunnel_p99_ms= direct_p50_ms= direct_p99_ms= tls_p50_ms= tls_p99_ms= first_p50_ms=
 * first_p99_ms= tlsnew_p50_ms= tlsnew_p99_ms=}.
 */
public class TunnelLatency {
	public static void main(String[] args) throws Exception {
		int proxyPort = Integer.parseInt(args[0]);
		String agent = args[1];
		String key = args[2];
		X509TrustManager trust = trusting(args[3]);
		int upstreamPort = Integer.parseInt(args[4]);
		int n = Integer.parseInt(args[5]);
		int newTunnels = Integer.parseInt(args[6]);
		int upstreamTlsPort = Integer.parseInt(args[7]);
		X509TrustManager upstreamTrust = trusting(args[8]);
		long warmupNanos = Long.parseLong(args[9]) * 1_000_000_000L;

		OkHttpClient tunnel = client(proxyPort, agent, key, trust, new ConnectionPool());
		OkHttpClient direct = new OkHttpClient.Builder().socketFactory(NO_DELAY).build();
		Request viaTunnel = new Request.Builder().url("https://api.openai.com/v1/models").header("Authorization", "Bearer " + key).build();
		Request straight = new Request.Builder().url("http://127.0.0.1:" + upstreamPort + "/v1/models").build();
		OkHttpClient directTls = tlsClient(upstreamTrust, new ConnectionPool());
		Request straightTls = new Request.Builder().url("https://127.0.0.1:" + upstreamTlsPort + "/v1/models").build();
		// Warm-up: JIT on both sides, the leaf, the connections; then the new-connection paths of both sides.
		long keptUntil = System.nanoTime() + warmupNanos / 2;
		for (int i = 0; i < 500 || System.nanoTime() < keptUntil; i++) {
			call(tunnel, viaTunnel);
			call(direct, straight);
			call(directTls, straightTls);
		}
		long newUntil = System.nanoTime() + warmupNanos / 2;
		for (int i = 0; i < 50 || System.nanoTime() < newUntil; i++) {
			callFresh(client(proxyPort, agent, key, trust, new ConnectionPool(0, 1, TimeUnit.MILLISECONDS)), viaTunnel);
			callFresh(tlsClient(upstreamTrust, new ConnectionPool(0, 1, TimeUnit.MILLISECONDS)), straightTls);
		}
		long[] viaNanos = new long[n];
		long[] directNanos = new long[n];
		long[] tlsNanos = new long[n];
		for (int block = 0; block < n; block += 100) {
			for (int i = block; i < Math.min(n, block + 100); i++) {
				viaNanos[i] = call(tunnel, viaTunnel);
			}
			for (int i = block; i < Math.min(n, block + 100); i++) {
				directNanos[i] = call(direct, straight);
			}
			for (int i = block; i < Math.min(n, block + 100); i++) {
				tlsNanos[i] = call(directTls, straightTls);
			}
		}
		long[] firstNanos = new long[newTunnels];
		long[] tlsNewNanos = new long[newTunnels];
		for (int i = 0; i < newTunnels; i++) {
			firstNanos[i] = callFresh(client(proxyPort, agent, key, trust, new ConnectionPool(0, 1, TimeUnit.MILLISECONDS)), viaTunnel);
			tlsNewNanos[i] = callFresh(tlsClient(upstreamTrust, new ConnectionPool(0, 1, TimeUnit.MILLISECONDS)), straightTls);
		}
		System.out.printf("tunnel_p50_ms=%.3f tunnel_p99_ms=%.3f direct_p50_ms=%.3f direct_p99_ms=%.3f tls_p50_ms=%.3f tls_p99_ms=%.3f"
				+ " first_p50_ms=%.3f first_p99_ms=%.3f tlsnew_p50_ms=%.3f tlsnew_p99_ms=%.3f%n",
				pct(viaNanos, 50), pct(viaNanos, 99), pct(directNanos, 50), pct(directNanos, 99), pct(tlsNanos, 50), pct(tlsNanos, 99),
				pct(firstNanos, 50), pct(firstNanos, 99), pct(tlsNewNanos, 50), pct(tlsNewNanos, 99));
	}

	/** One request on a client made for it (its own connection), which is then closed. */
	static long callFresh(OkHttpClient fresh, Request request) throws Exception {
		long nanos = call(fresh, request);
		fresh.connectionPool().evictAll();
		return nanos;
	}

	/** Straight to the upstream over TLS, set up as {@link #client} is but without the proxy: the baseline of issue 12. */
	static OkHttpClient tlsClient(X509TrustManager trust, ConnectionPool pool) throws Exception {
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
		return new OkHttpClient.Builder().socketFactory(NO_DELAY).sslSocketFactory(tls.getSocketFactory(), trust).connectionPool(pool)
				.protocols(java.util.List.of(okhttp3.Protocol.HTTP_1_1)).build();
	}

	static OkHttpClient client(int proxyPort, String agent, String key, X509TrustManager trust, ConnectionPool pool) throws Exception {
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
		// Preemptive: the credentials go with the first CONNECT, as curl, git and Python send them.
		Authenticator proxyAuth = (route, response) -> response.request().newBuilder()
				.header("Proxy-Authorization", okhttp3.Credentials.basic(agent, key)).build();
		return new OkHttpClient.Builder().socketFactory(NO_DELAY).proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxyPort)))
				.proxyAuthenticator(proxyAuth).sslSocketFactory(tls.getSocketFactory(), trust).connectionPool(pool)
				.protocols(java.util.List.of(okhttp3.Protocol.HTTP_1_1)).build();
	}

	/** TCP_NODELAY, as curl, git and Python's clients set it: Nagle's algorithm would hold the handshake's small writes. */
	static final javax.net.SocketFactory NO_DELAY = new javax.net.SocketFactory() {
		private java.net.Socket tuned(java.net.Socket s) throws java.io.IOException {
			s.setTcpNoDelay(true);
			return s;
		}

		@Override
		public java.net.Socket createSocket() throws java.io.IOException {
			return tuned(new java.net.Socket());
		}

		@Override
		public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
			return tuned(new java.net.Socket(host, port));
		}

		@Override
		public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws java.io.IOException {
			return tuned(new java.net.Socket(host, port, local, localPort));
		}

		@Override
		public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
			return tuned(new java.net.Socket(host, port));
		}

		@Override
		public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort) throws java.io.IOException {
			return tuned(new java.net.Socket(host, port, local, localPort));
		}
	};

	static long call(OkHttpClient client, Request request) throws Exception {
		long start = System.nanoTime();
		try (Response r = client.newCall(request).execute()) {
			r.body().bytes();
			if (r.code() != 200) {
				throw new IllegalStateException("HTTP " + r.code() + " for " + request.url());
			}
		}
		return System.nanoTime() - start;
	}

	static X509TrustManager trusting(String pem) throws Exception {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		try (FileInputStream in = new FileInputStream(pem)) {
			store.setCertificateEntry("amk-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(store);
		return (X509TrustManager) tmf.getTrustManagers()[0];
	}

	static double pct(long[] nanos, int p) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
	}
}
