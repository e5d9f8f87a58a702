import dev.amk.ca.LeafCertificates;
import dev.amk.ca.LocalCa;
import dev.amk.ca.SniKeyManager;
import dev.amk.ca.SystemRoots;
import dev.amk.secrets.SecretStore;
import dev.amk.secrets.SecretStoreErrors;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark (not a test) of the local CA on the request path of an intercepted tunnel:
 * <ul>
 * <li>leaf issuance: a host's first leaf (what its first-ever handshake waits for), cold (the first in this
 * JVM) and warm (median over many hosts), and a cached leaf's look-up;</li>
 * <li>a TLS handshake with a cached leaf on loopback, plus one small request and response, on a new TCP
 * connection each time (what a new tunnel costs after CONNECT), full handshakes (no resumption), p50/p99.</li>
 * </ul>
 * Server: the JDK's TLS with {@link SniKeyManager}; client: the JDK's TLS trusting only the CA's PEM, SNI
 * api.openai.com, host name verified. The CA key comes from an in-memory store here: reading the keychain
 * happens once per broker start, not per tunnel.
 *
 * <p>Run: {@code bench/ca-handshake.sh} (builds and sets the class path). Args: [HANDSHAKES] [HOSTS]. JDK + the project's classes only.
 */
public class CaHandshake {
	public static void main(String[] args) throws Exception {
		int handshakes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
		int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 500;
		Path home = Files.createTempDirectory("amk-ca-bench");
		Map<String, String> items = new ConcurrentHashMap<>();
		SecretStore memory = new SecretStore() {
			public void put(String ref, String secret) { items.put(ref, secret); }
			public String get(String ref) { String s = items.get(ref); if (s == null) throw SecretStoreErrors.missing(ref); return s; }
			public void delete(String ref) { items.remove(ref); }
			public String description() { return "memory"; }
		};
		long t0 = System.nanoTime();
		LocalCa ca = new LocalCa(home, memory, Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom());
		ca.ensure();
		double caMs = ms(System.nanoTime() - t0);
		LeafCertificates leaves = new LeafCertificates(ca, Clock.systemUTC(), Runnable::run);

		long c0 = System.nanoTime();
		leaves.leaf("api.openai.com");
		double coldMs = ms(System.nanoTime() - c0);
		List<Double> first = new ArrayList<>();
		for (int i = 0; i < hosts; i++) {
			long s = System.nanoTime();
			leaves.leaf("h" + i + ".bench.example");
			first.add(ms(System.nanoTime() - s));
		}
		List<Double> cached = new ArrayList<>();
		for (int i = 0; i < 100_000; i++) {
			long s = System.nanoTime();
			leaves.leaf("api.openai.com");
			if (i >= 50_000) {
				cached.add((System.nanoTime() - s) / 1000.0);
			}
		}

		SniKeyManager keys = new SniKeyManager(leaves, h -> h.equals("api.openai.com"));
		SSLServerSocket server = (SSLServerSocket) keys.serverContext().getServerSocketFactory().createServerSocket();
		server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
		Thread.ofPlatform().daemon().start(() -> accept(server));

		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		trust.setCertificateEntry("amk", ca.current().certificate());
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(trust);
		SSLContext client = SSLContext.getInstance("TLS");
		client.init(null, tmf.getTrustManagers(), null);

		Map<String, List<Double>> results = new java.util.LinkedHashMap<>();
		for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
			for (int i = 0; i < 500; i++) { // warm-up (JIT)
				exchange(client, server.getLocalPort(), protocol);
			}
			List<Double> times = new ArrayList<>();
			SERVER_CPU_MS.clear();
			for (int i = 0; i < handshakes; i++) {
				long s = System.nanoTime();
				exchange(client, server.getLocalPort(), protocol);
				times.add(ms(System.nanoTime() - s));
			}
			results.put(protocol, times);
			results.put(protocol + " server CPU", new ArrayList<>(SERVER_CPU_MS));
		}
		server.close();

		System.out.printf("CA made (key generation, self-signed certificate, PEM and bundle written): %.2f ms%n", caMs);
		System.out.printf("leaf issuance, first in this JVM (cold): %.2f ms%n", coldMs);
		System.out.printf("leaf issuance, a new host (warm, n=%d): min %.3f ms, p50 %.3f ms, p99 %.3f ms%n", hosts, Collections.min(first), p(first, 50),
				p(first, 99));
		System.out.printf("leaf look-up, cached (n=50000): p50 %.2f us, p99 %.2f us%n", p(cached, 50), p(cached, 99));
		for (var e : results.entrySet()) {
			if (e.getKey().endsWith("server CPU")) {
				System.out.printf("  of which the server's CPU time (handshake, read, answer; n=%d): p50 %.3f ms, p99 %.3f ms%n", e.getValue().size(),
						p(e.getValue(), 50), p(e.getValue(), 99));
				continue;
			}
			System.out.printf("new TCP connection + full %s handshake with a cached leaf + one request (n=%d): min %.3f ms, p10 %.3f ms, p50 %.3f ms, p99 %.3f ms%n",
					e.getKey(), handshakes, Collections.min(e.getValue()), p(e.getValue(), 10), p(e.getValue(), 50), p(e.getValue(), 99));
		}
		System.out.printf("leaves_cached=%d cpus=%d java=%s load_average=%.2f (min and p10 show the cost when the cores were free)%n", leaves.size(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
				java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	static void exchange(SSLContext client, int port, String protocol) throws IOException {
		try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port);
				SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "api.openai.com", port, true)) {
			raw.setTcpNoDelay(true);
			SSLParameters p = s.getSSLParameters();
			p.setServerNames(List.of(new SNIHostName("api.openai.com")));
			p.setEndpointIdentificationAlgorithm("HTTPS");
			p.setProtocols(new String[] {protocol});
			s.setSSLParameters(p);
			OutputStream out = s.getOutputStream();
			out.write("GET / HTTP/1.1\r\nHost: api.openai.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = s.getInputStream();
			byte[] buffer = new byte[512];
			if (in.read(buffer) <= 0) {
				throw new IOException("no answer");
			}
			s.getSession().invalidate(); // the next connection makes a full handshake, not a resumption
		}
	}

	static void accept(SSLServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket c = server.accept();
				// A platform thread per connection, so that the server's CPU time for it can be read.
				Thread.ofPlatform().daemon().start(() -> {
					long cpu = THREADS.getCurrentThreadCpuTime();
					if (serve((SSLSocket) c)) {
						SERVER_CPU_MS.add((THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
					}
				});
			} catch (IOException e) {
				return;
			}
		}
	}

	static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
	static final List<Double> SERVER_CPU_MS = Collections.synchronizedList(new ArrayList<>());

	/** Handshake, read one request, answer it; true when all of that happened. */
	static boolean serve(SSLSocket s) {
		try (s) {
			s.setTcpNoDelay(true);
			InputStream in = s.getInputStream();
			byte[] buffer = new byte[1024];
			int n = 0;
			while (n < 4 || !new String(buffer, 0, n, StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
				int r = in.read(buffer, n, buffer.length - n);
				if (r < 0) {
					return false;
				}
				n += r;
			}
			s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
			s.getOutputStream().flush();
			return true;
		} catch (IOException e) {
			return false; // the client closed
		}
	}

	static double ms(long nanos) {
		return nanos / 1e6;
	}

	static double p(List<Double> values, int percentile) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
	}
}
