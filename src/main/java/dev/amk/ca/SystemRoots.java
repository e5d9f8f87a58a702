package dev.amk.ca;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The operating system's root certificates as PEM text: the first half of {@code bundle.pem}, so that a tool
 * given only the bundle still reaches every host the broker does not intercept (blind tunnels, NO_PROXY).
 */
public interface SystemRoots {
	/** The roots as concatenated PEM certificates. */
	String pem();

	/** When the source last changed, so that the bundle is rebuilt after a ca-certificates update. */
	Instant lastModified();

	/** Where the roots came from, for {@code amk ca status}. */
	String description();

	/** Debian/Ubuntu, Fedora/RHEL, openSUSE, Alpine (the same list Go's crypto/x509 reads); Arch links the first. */
	List<Path> LINUX_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"), Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
			Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/ca-bundle.pem"), Path.of("/etc/ssl/cert.pem"));

	/** What this machine has: macOS's keychains, else the first Linux bundle present, else the JDK's cacerts. */
	static SystemRoots forCurrentOs() {
		if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) {
			return new MacKeychains();
		}
		return LINUX_BUNDLES.stream().filter(Files::isReadable).findFirst().<SystemRoots>map(PemFile::new).orElseGet(JdkCacerts::new);
	}

	/** A PEM bundle file kept by the distribution (update-ca-certificates, update-ca-trust). */
	record PemFile(Path file) implements SystemRoots {
		@Override
		public String pem() {
			try {
				return Files.readString(file, StandardCharsets.US_ASCII);
			} catch (IOException e) {
				return new JdkCacerts().pem();
			}
		}

		@Override
		public Instant lastModified() {
			return modified(file);
		}

		@Override
		public String description() {
			return file.toString();
		}
	}

	/**
	 * macOS: the system roots plus the certificates an administrator added to the System keychain (a company's
	 * CA), exported by {@code security}, which ships with every macOS. Falls back to the JDK's roots when the
	 * export fails.
	 */
	final class MacKeychains implements SystemRoots {
		static final Path ROOTS = Path.of("/System/Library/Keychains/SystemRootCertificates.keychain");
		static final Path SYSTEM = Path.of("/Library/Keychains/System.keychain");

		@Override
		public String pem() {
			try {
				Process p = new ProcessBuilder("/usr/bin/security", "find-certificate", "-a", "-p", ROOTS.toString(), SYSTEM.toString())
						.redirectError(ProcessBuilder.Redirect.DISCARD).start();
				p.getOutputStream().close();
				String out;
				try (InputStream in = p.getInputStream()) {
					out = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
				}
				if (p.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS) && p.exitValue() == 0 && out.contains("BEGIN CERTIFICATE")) {
					return out;
				}
				p.destroy();
			} catch (IOException e) {
				// no security tool: use the JDK's roots below
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			return new JdkCacerts().pem();
		}

		@Override
		public Instant lastModified() {
			Instant roots = modified(ROOTS);
			Instant system = modified(SYSTEM);
			return roots.isAfter(system) ? roots : system;
		}

		@Override
		public String description() {
			return "macOS system roots and System keychain";
		}
	}

	/** The roots the JDK ships ({@code $JAVA_HOME/lib/security/cacerts}): the last resort on any system. */
	final class JdkCacerts implements SystemRoots {
		private static Path file() {
			return Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
		}

		@Override
		public String pem() {
			try (InputStream in = Files.newInputStream(file())) {
				KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
				store.load(in, null);
				StringBuilder pem = new StringBuilder();
				for (String alias : Collections.list(store.aliases())) {
					Certificate c = store.getCertificate(alias);
					if (c instanceof X509Certificate x509) {
						pem.append(Authority.pem(x509));
					}
				}
				return pem.toString();
			} catch (IOException | java.security.GeneralSecurityException e) {
				return "";
			}
		}

		@Override
		public Instant lastModified() {
			return modified(file());
		}

		@Override
		public String description() {
			return "the Java runtime's roots (" + file() + ")";
		}
	}

	private static Instant modified(Path file) {
		try {
			return Files.getLastModifiedTime(file).toInstant();
		} catch (IOException e) {
			return Instant.EPOCH;
		}
	}

	/** A fixed set of roots: for tests, and for callers that already hold them. */
	static SystemRoots of(String pem, String description) {
		return new SystemRoots() {
			@Override
			public String pem() {
				return pem;
			}

			@Override
			public Instant lastModified() {
				return Instant.EPOCH;
			}

			@Override
			public String description() {
				return description;
			}
		};
	}
}
