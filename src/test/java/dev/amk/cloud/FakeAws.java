package dev.amk.cloud;

import dev.amk.common.Json;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The loopback fake AWS (src/test/resources/dev/amk/cloud/fake_aws.py): STS, IAM and S3 over TLS, every signature
 * recomputed by botocore. Started per test class; {@link #close} ends the process it started (by its handle). Public for the
 * app's tests, which add AWS accounts through the Connections dialog against it.
 */
public final class FakeAws implements AutoCloseable {
	public static final String ACCESS_KEY_ID = "AKIAOWNERLONGTERM001";
	public static final String SECRET = "owner/LongTermSecretKey+0123456789abcdefgh";

	final Path dir;
	final int port;
	final X509Certificate certificate;
	private final Process process;

	private FakeAws(Path dir, int port, X509Certificate certificate, Process process) {
		this.dir = dir;
		this.port = port;
		this.certificate = certificate;
		this.process = process;
	}

	public static FakeAws start(Path dir) throws Exception {
		Path script = dir.resolve("fake_aws.py");
		try (InputStream in = FakeAws.class.getResourceAsStream("fake_aws.py")) {
			Files.write(script, in.readAllBytes());
		}
		Process p = new ProcessBuilder("python3", script.toString(), dir.toString(), ACCESS_KEY_ID, SECRET)
				.redirectError(dir.resolve("fake.err").toFile()).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
		String line = out.readLine(); // blocks until READY or the process ends
		if (line == null || !line.startsWith("READY ")) {
			p.destroyForcibly();
			throw new IllegalStateException("fake AWS did not start: " + Files.readString(dir.resolve("fake.err")));
		}
		X509Certificate cert;
		try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
			cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		return new FakeAws(dir, Integer.parseInt(line.substring(6).strip()), cert, p);
	}

	public X509TrustManager trust() throws Exception {
		KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
		store.load(null, null);
		store.setCertificateEntry("fake-aws", certificate);
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return (X509TrustManager) factory.getTrustManagers()[0];
	}

	public SSLContext tls() throws Exception {
		SSLContext c = SSLContext.getInstance("TLS");
		c.init(null, new javax.net.ssl.TrustManager[] {trust()}, null);
		return c;
	}

	/** The test-only host map's port half: see {@link LoopbackHostMap}. */
	public SocketFactory portMap() {
		return LoopbackHostMap.port443To(port);
	}

	/** The fake's log so far: one map per request or event. */
	public List<Map<String, Object>> log() throws IOException {
		return Files.readAllLines(dir.resolve("log.jsonl")).stream().filter(l -> !l.isBlank()).map(Json::readObject).toList();
	}

	/** Polls the log (the fake writes it from its own threads) until an entry matches, or fails after 20 s. */
	Map<String, Object> await(Predicate<Map<String, Object>> entry) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			for (Map<String, Object> e : log()) {
				if (entry.test(e)) {
					return e;
				}
			}
			Thread.onSpinWait();
			TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline, not synchronising by sleep
		}
		throw new AssertionError("the fake never logged the entry; log: " + log());
	}

	@Override
	public void close() throws Exception {
		process.getOutputStream().close(); // the fake exits when its stdin ends
		if (!process.waitFor(5, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}
}
