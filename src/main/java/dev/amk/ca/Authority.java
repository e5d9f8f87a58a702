package dev.amk.ca;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One local CA in memory: its self-signed certificate and its private key.
 *
 * <p>Choices, each for the clients agents run:
 * <ul>
 * <li>ECDSA P-256 with SHA-256, not RSA 2048: every client on the list accepts it (OpenSSL behind curl and
 * Python's ssl, GnuTLS behind Debian's git, Node, Go, Java, macOS SecTrust), a signature costs a tenth of
 * an RSA one (leaves are issued on the fly) and the certificates are a third of the size.</li>
 * <li>basicConstraints critical CA:true pathlen 0 and keyUsage critical keyCertSign|cRLSign: it signs leaves,
 * never another CA.</li>
 * <li>No nameConstraints. Permitted DNS subtrees cannot be known when the CA is made: {@code --host-map} and
 * custom connections add intercepted hosts at any time, and a CA made again for each would have to be
 * trusted again each time. Excluded subtrees alone bound nothing (whoever holds the key mints any DNS name),
 * and RFC 5280 (section 6) leaves the constraints of a trust anchor's own certificate to the implementation:
 * OpenSSL and Go apply them, Java's default trust manager and Chrome's verifier do not, so they could not
 * be relied on anyway. What bounds the CA instead: its key exists only in the keychain and in the broker's
 * memory, and the broker issues leaves only for hosts of granted connections ({@link SniKeyManager}).</li>
 * <li>A subject with a random suffix per CA: a rotated CA never shares its name with an old one still in a
 * trust store (OpenSSL looks anchors up by subject hash; Keychain Access lists them by name).</li>
 * <li>Valid for ten years, starting a day in the past for clients whose clock lags (VMs after a sleep).</li>
 * </ul>
 */
public final class Authority {
	static final String PRODUCT = "Agent Master Key";
	static final Duration LIFETIME = Duration.ofDays(3650);
	static final Duration BACKDATE = Duration.ofDays(1);

	private final X509Certificate certificate;
	private final PrivateKey key;

	Authority(X509Certificate certificate, PrivateKey key) {
		this.certificate = certificate;
		this.key = key;
	}

	public X509Certificate certificate() {
		return certificate;
	}

	PrivateKey key() {
		return key;
	}

	/** SHA-256 of the certificate's DER, upper-case hex pairs joined by colons, as Keychain Access and openssl show it. */
	public String fingerprint() {
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
			return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	public String subject() {
		return certificate.getSubjectX500Principal().getName();
	}

	public Instant notBefore() {
		return certificate.getNotBefore().toInstant();
	}

	public Instant notAfter() {
		return certificate.getNotAfter().toInstant();
	}

	public String pem() {
		return pem(certificate);
	}

	/**
	 * RFC 7468 text: base64 in lines of 64, LF line ends on every OS. Written with the JDK's encoder rather
	 * than Bouncy Castle's PEM writer so that loading an existing CA ({@code amk run}, {@code amk ca path})
	 * never loads Bouncy Castle, whose signed jar costs hundreds of milliseconds to open in a cold JVM.
	 */
	static String pem(X509Certificate certificate) {
		try {
			String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
			return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
		} catch (CertificateEncodingException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The key as the keychain item holds it: base64 of its PKCS#8 DER, one line. */
	String encodedKey() {
		return Base64.getEncoder().encodeToString(key.getEncoded());
	}

	static PrivateKey decodeKey(String encoded) throws GeneralSecurityException {
		byte[] der;
		try {
			der = Base64.getDecoder().decode(encoded.strip());
		} catch (IllegalArgumentException e) {
			throw new java.security.spec.InvalidKeySpecException("not base64");
		}
		return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
	}

	/** True when {@code key} is the private half of this certificate's public key (a signature made with one verifies with the other). */
	static boolean matches(X509Certificate certificate, PrivateKey key) {
		try {
			byte[] probe = new byte[32];
			new SecureRandom().nextBytes(probe);
			Signature signer = Signature.getInstance("SHA256withECDSA");
			signer.initSign(key);
			signer.update(probe);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance("SHA256withECDSA");
			verifier.initVerify(certificate.getPublicKey());
			verifier.update(probe);
			return verifier.verify(signature);
		} catch (GeneralSecurityException e) {
			return false;
		}
	}
}
