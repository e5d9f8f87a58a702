package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.common.AtomicFiles;
import dev.amk.common.ErrorType;
import dev.amk.secrets.CachingSecretStore;
import dev.amk.secrets.SecretStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The broker's local certificate authority: made on first use, its private key only in the keychain (item
 * {@value #KEY_ITEM}, base64 PKCS#8), its certificate in {@code DATA/ca/amk-ca.pem} and, after the system's
 * roots, in {@code DATA/ca/bundle.pem}. The key never touches a file or a log.
 *
 * <p>The keychain item and the PEM file must belong together: when one is missing, unreadable or from
 * another CA, the old CA can no longer sign what its certificate promises, so a new one is made and
 * {@link Ready#notice()} says so (tools trusted the old one and must now trust the new one).
 *
 * <p>Several processes share it (the app, {@code amk ca rotate} in a terminal): {@link #current()} notices
 * within a second that the certificate file was replaced and reloads, so a running broker follows a rotation.
 */
public final class LocalCa {
	/** The keychain item that holds the CA's private key. */
	public static final String KEY_ITEM = "local-ca-private-key";
	private static final System.Logger LOG = System.getLogger(LocalCa.class.getName());
	/** How often {@link #current()} looks whether another process replaced the certificate file. */
	static final Duration RECHECK = Duration.ofSeconds(1);

	private final Path directory;
	private final SecretStore secrets;
	private final Clock clock;
	private final SystemRoots roots;
	private final SecureRandom random;
	private final long recheckNanos;
	private volatile Loaded loaded;
	private volatile long checkedAt;

	/** The CA with its certificate loaded (or just made); {@code notice} is a sentence for a person, or null. */
	public record Ready(Authority authority, String notice) {
	}

	private record Loaded(Authority authority, Object fileKey, FileTime modified) {
	}

	public LocalCa(Path dataDir, SecretStore secrets, Clock clock) {
		this(dataDir, secrets, clock, SystemRoots.forCurrentOs(), new SecureRandom());
	}

	public LocalCa(Path dataDir, SecretStore secrets, Clock clock, SystemRoots roots, SecureRandom random) {
		this(dataDir, secrets, clock, roots, random, RECHECK);
	}

	LocalCa(Path dataDir, SecretStore secrets, Clock clock, SystemRoots roots, SecureRandom random, Duration recheck) {
		this.recheckNanos = recheck.toNanos();
		this.directory = dataDir.resolve("ca");
		this.secrets = secrets;
		this.clock = clock;
		this.roots = roots;
		this.random = random;
	}

	/** {@code DATA/ca/amk-ca.pem}: the CA certificate alone (NODE_EXTRA_CA_CERTS, curl --cacert, the OS trust store). */
	public Path certificatePath() {
		return directory.resolve("amk-ca.pem");
	}

	/** {@code DATA/ca/bundle.pem}: the system's roots followed by the CA (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, GIT_SSL_CAINFO…). */
	public Path bundlePath() {
		return directory.resolve("bundle.pem");
	}

	public SystemRoots systemRoots() {
		return roots;
	}

	/**
	 * Loads the CA, making it if there is none (or none that can still sign), and brings the bundle up to date.
	 * Blocks on the keychain; never call it on a UI thread.
	 *
	 * @throws AmkException when the keychain cannot be reached (the CA is then neither loaded nor replaced)
	 */
	public synchronized Ready ensure() {
		Found found = find();
		Ready ready;
		if (found.authority != null) {
			ready = new Ready(found.authority, null);
		} else {
			Authority made = create();
			ready = new Ready(made, found.problem == null
					? "Made the local CA (" + made.fingerprint() + "). Tools trust it through 'amk run', or trust it for everything with 'amk ca trust'."
					: found.problem + " Made a new local CA (" + made.fingerprint() + "); the old one can no longer sign, so tools that"
							+ " trusted it must trust the new one ('amk ca trust').");
		}
		writeBundleIfStale(ready.authority);
		remember(ready.authority);
		return ready;
	}

	/**
	 * The CA to sign with now: what {@link #ensure()} loaded, reloaded when the certificate file changed
	 * (another process rotated it); cheap enough for every handshake.
	 */
	public Authority current() {
		Loaded l = loaded;
		long now = System.nanoTime();
		if (l != null && now - checkedAt < recheckNanos) {
			return l.authority;
		}
		checkedAt = now;
		if (l != null && l.equals(stamp(l.authority))) {
			return l.authority;
		}
		Ready ready = ensure();
		if (ready.notice() != null) {
			LOG.log(System.Logger.Level.WARNING, ready.notice());
		}
		return ready.authority();
	}

	/** The CA if one exists and can sign, without making one: for status displays. */
	public synchronized Optional<Authority> existing() {
		return Optional.ofNullable(find().authority);
	}


	/**
	 * Replaces the CA with a new one; leaves issued by the old one are no longer served. The old certificate
	 * stays in any trust store it was added to until a person removes it.
	 */
	public synchronized Ready rotate() {
		boolean hadOne = find().authority != null;
		Authority made = create();
		writeBundleIfStale(made);
		remember(made);
		return new Ready(made, hadOne ? "Made a new local CA (" + made.fingerprint() + "); the old one no longer signs anything."
				: "There was no usable local CA; made one (" + made.fingerprint() + ").");
	}

	/** The CA if it can sign, else why an earlier one cannot (null when none was ever made). */
	record Found(Authority authority, String problem) {
	}

	synchronized Found find() {
		Path pem = certificatePath();
		X509Certificate certificate = null;
		String fileProblem = null;
		if (Files.exists(pem)) {
			try {
				certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
			} catch (IOException | GeneralSecurityException | ClassCastException e) {
				fileProblem = "The local CA's certificate " + pem + " is unreadable.";
			}
		}
		PrivateKey key = null;
		String keyProblem = null;
		String encoded = storedKey();
		if (encoded != null) {
			try {
				key = Authority.decodeKey(encoded);
			} catch (GeneralSecurityException e) {
				keyProblem = "The keychain item holding the local CA's key is damaged.";
			}
		}
		if (certificate == null && key == null && fileProblem == null && keyProblem == null) {
			return new Found(null, null); // never made: not a problem, just the first use
		}
		if (fileProblem != null || keyProblem != null) {
			return new Found(null, fileProblem != null ? fileProblem : keyProblem);
		}
		if (certificate == null) {
			return new Found(null, "The local CA's certificate " + pem + " is missing.");
		}
		if (key == null) {
			return new Found(null, "The keychain no longer holds the key of the local CA in " + pem + ".");
		}
		if (!Authority.matches(certificate, key)) {
			return new Found(null, "The key in the keychain does not belong to the local CA in " + pem + ".");
		}
		if (!certificate.getNotAfter().toInstant().isAfter(clock.instant())) {
			return new Found(null, "The local CA in " + pem + " has expired.");
		}
		return new Found(new Authority(certificate, key), null);
	}

	private String storedKey() {
		if (secrets instanceof CachingSecretStore cache) {
			// The broker's store keeps what it read; another process (amk ca rotate) may have replaced the key since.
			cache.forget(KEY_ITEM);
		}
		try {
			return secrets.get(KEY_ITEM);
		} catch (AmkException e) {
			if (e.is(ErrorType.SECRET_MISSING)) {
				return null;
			}
			throw new AmkException(e.errorType(), "The local CA's key is kept in the keychain, which did not give it: " + e.getMessage(), e);
		}
	}

	private Authority create() {
		Authority made = X509Signing.newAuthority(clock.instant(), random);
		// Keychain first: a certificate on disk whose key was never stored would be a CA that cannot sign.
		secrets.put(KEY_ITEM, made.encodedKey());
		try {
			createDirectory();
			writeAtomically(certificatePath(), made.pem());
		} catch (IOException e) {
			throw cannotWrite(certificatePath(), e);
		}
		return made;
	}

	private void writeBundleIfStale(Authority authority) {
		Path bundle = bundlePath();
		String caPem = authority.pem();
		try {
			if (Files.exists(bundle) && !Files.getLastModifiedTime(bundle).toInstant().isBefore(roots.lastModified())
					&& Files.readString(bundle, StandardCharsets.US_ASCII).endsWith(caPem)) {
				return;
			}
			String system = roots.pem();
			StringBuilder text = new StringBuilder(system.length() + caPem.length() + 128);
			text.append(system);
			if (!system.isEmpty() && !system.endsWith("\n")) {
				text.append('\n');
			}
			text.append("# ").append(authority.subject()).append(" (Agent Master Key's local CA)\n").append(caPem);
			createDirectory();
			writeAtomically(bundle, text.toString());
		} catch (IOException | UncheckedIOException e) {
			throw cannotWrite(bundle, e);
		}
	}

	private void remember(Authority authority) {
		loaded = stamp(authority);
		checkedAt = System.nanoTime();
	}

	private Loaded stamp(Authority authority) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(certificatePath(), BasicFileAttributes.class);
			return new Loaded(authority, attributes.fileKey(), attributes.lastModifiedTime());
		} catch (IOException e) {
			return new Loaded(authority, null, null);
		}
	}

	private void createDirectory() throws IOException {
		Path dataDir = directory.getParent();
		if (!Files.isDirectory(dataDir)) {
			Files.createDirectories(dataDir);
			if (posix()) {
				Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
			}
		}
		Files.createDirectories(directory);
	}

	/** Readers (agents' tools, containers under other users) never see a half-written certificate or bundle. */
	private static void writeAtomically(Path target, String text) throws IOException {
		AtomicFiles.replace(target, text.getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-r--r--"));
	}

	private static boolean posix() {
		return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
	}

	private static AmkException cannotWrite(Path file, Exception e) {
		return new AmkException(ErrorType.CA_UNWRITABLE, "Could not write " + file + " (" + Objects.toString(e.getMessage(), e.getClass().getSimpleName())
				+ "). Check that the data folder is writable, or point AMK_HOME at one that is.", e);
	}
}
