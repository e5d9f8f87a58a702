package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.MutableClock;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalCaTest {
	static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
	static final String ROOTS = "-----BEGIN CERTIFICATE-----\nU1lTVEVNUk9PVA==\n-----END CERTIFICATE-----\n";

	@TempDir
	Path home;

	InMemorySecretStore keychain = new InMemorySecretStore();
	MutableClock clock = new MutableClock(START);

	LocalCa ca() {
		return new LocalCa(home, keychain, clock, SystemRoots.of(ROOTS, "test roots"), new SecureRandom(), Duration.ZERO);
	}

	static X509Certificate read(Path pem) throws Exception {
		return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
	}

	@Nested
	class OnFirstUse {
		LocalCa ca;
		LocalCa.Ready ready;

		@BeforeEach
		void make() {
			ca = ca();
			ready = ca.ensure();
		}

		@Test
		@DisplayName("ensure() makes a P-256 CA that may sign leaves but no other CA, valid ten years from a day back")
		void shape() throws Exception {
			X509Certificate c = read(ca.certificatePath());
			assertEquals(ready.authority().certificate(), c);
			assertEquals("EC", c.getPublicKey().getAlgorithm());
			assertEquals(256, ((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize());
			assertEquals("SHA256withECDSA", c.getSigAlgName());
			assertEquals(0, c.getBasicConstraints(), "CA:true with pathlen 0");
			assertTrue(c.getCriticalExtensionOIDs().containsAll(List.of(Extension.basicConstraints.getId(), Extension.keyUsage.getId())));
			boolean[] usage = c.getKeyUsage();
			assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
			assertFalse(usage[0], "no digitalSignature: it signs only certificates");
			assertNull(c.getExtensionValue(Extension.nameConstraints.getId()), "no name constraints (see Authority)");
			assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
			c.verify(c.getPublicKey());
			assertTrue(c.getSubjectX500Principal().getName().matches("CN=Agent Master Key Local CA [0-9a-f]{8},O=Agent Master Key"),
					c.getSubjectX500Principal().getName());
			assertEquals(START.minus(Duration.ofDays(1)), c.getNotBefore().toInstant());
			assertEquals(START.plus(Duration.ofDays(3650)), c.getNotAfter().toInstant());
			assertTrue(c.getSerialNumber().signum() > 0 && c.getSerialNumber().bitLength() > 64);
			assertTrue(ready.notice().startsWith("Made the local CA ("), ready.notice());
		}

		@Test
		@DisplayName("the key is in the keychain as base64 PKCS#8, the certificate 0644 in DATA/ca, the key in no file")
		void keyOnlyInKeychain() throws IOException {
			String item = keychain.items.get(LocalCa.KEY_ITEM);
			assertNotNull(item);
			byte[] pkcs8 = Base64.getDecoder().decode(item);
			assertArrayEquals(ready.authority().key().getEncoded(), pkcs8);
			assertEquals(home.resolve("ca/amk-ca.pem"), ca.certificatePath());
			assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.certificatePath())));
			assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.bundlePath())));
			assertKeyInNoFile(home, pkcs8);
		}

		@Test
		@DisplayName("the bundle is the system's roots followed by the CA")
		void bundle() throws IOException {
			String bundle = Files.readString(ca.bundlePath());
			assertTrue(bundle.startsWith(ROOTS), bundle);
			assertTrue(bundle.endsWith(ready.authority().pem()));
		}

		@Test
		@DisplayName("another LocalCa on the same folder and keychain loads the same CA and says nothing")
		void reload() {
			LocalCa.Ready again = ca().ensure();
			assertEquals(ready.authority().fingerprint(), again.authority().fingerprint());
			assertNull(again.notice());
			assertEquals(ready.authority().fingerprint(), ca().existing().orElseThrow().fingerprint());
		}

		@Test
		@DisplayName("with the keychain item gone, a new CA is made and the notice says the old one cannot sign")
		void keyGone() {
			keychain.items.remove(LocalCa.KEY_ITEM);
			assertTrue(ca().existing().isEmpty());
			LocalCa.Ready again = ca().ensure();
			assertNotEquals(ready.authority().fingerprint(), again.authority().fingerprint());
			assertTrue(again.notice().startsWith("The keychain no longer holds the key of the local CA in " + ca.certificatePath()), again.notice());
			assertTrue(again.notice().contains("can no longer sign"), again.notice());
			assertTrue(again.notice().contains("amk ca trust"), again.notice());
		}

		@Test
		@DisplayName("with the PEM file gone, a new CA is made and said so")
		void fileGone() throws IOException {
			Files.delete(ca.certificatePath());
			LocalCa.Ready again = ca().ensure();
			assertNotEquals(ready.authority().fingerprint(), again.authority().fingerprint());
			assertTrue(again.notice().startsWith("The local CA's certificate " + ca.certificatePath() + " is missing."), again.notice());
			assertTrue(Files.readString(ca.bundlePath()).endsWith(again.authority().pem()), "the bundle follows the new CA");
		}

		@Test
		@DisplayName("a keychain key of another CA, or a damaged item, makes a new CA")
		void mismatch() {
			LocalCa other = new LocalCa(home.resolve("other"), keychain, clock, SystemRoots.of("", "none"), new SecureRandom());
			other.ensure(); // overwrites the shared keychain item with another CA's key
			LocalCa.Ready again = ca().ensure();
			assertTrue(again.notice().startsWith("The key in the keychain does not belong"), again.notice());
			keychain.items.put(LocalCa.KEY_ITEM, "not base64 at all!");
			assertTrue(ca().ensure().notice().startsWith("The keychain item holding the local CA's key is damaged."));
		}

		@Test
		@DisplayName("an expired CA is replaced")
		void expired() {
			clock.advance(Duration.ofDays(3651));
			LocalCa.Ready again = ca().ensure();
			assertTrue(again.notice().startsWith("The local CA in " + ca.certificatePath() + " has expired."), again.notice());
		}

		@Test
		@DisplayName("a locked keychain fails with its own type and replaces nothing")
		void locked() throws IOException {
			String before = Files.readString(ca.certificatePath());
			keychain.locked = true;
			AmkException e = assertThrows(AmkException.class, () -> ca().ensure());
			assertEquals("keychain_locked", e.type());
			assertTrue(e.getMessage().startsWith("The local CA's key is kept in the keychain, which did not give it"), e.getMessage());
			assertEquals(before, Files.readString(ca.certificatePath()));
		}

		@Test
		@DisplayName("current() follows a rotation made by another process, through the certificate file")
		void followsRotation() {
			Authority first = ca.current();
			assertSame(ready.authority(), first);
			LocalCa.Ready rotated = ca().rotate();
			assertNotEquals(first.fingerprint(), rotated.authority().fingerprint());
			assertEquals(rotated.authority().fingerprint(), ca.current().fingerprint());
			assertTrue(Files.exists(ca.bundlePath()));
		}

		@Test
		@DisplayName("the broker's caching keychain does not hide a key rotated by another process")
		void rotationBehindTheBrokersCache() {
			LocalCa broker = new LocalCa(home, new dev.amk.secrets.CachingSecretStore(keychain), clock, SystemRoots.of(ROOTS, "test roots"),
					new SecureRandom(), Duration.ZERO);
			assertEquals(ready.authority().fingerprint(), broker.current().fingerprint());
			LocalCa.Ready rotated = ca().rotate();
			assertEquals(rotated.authority().fingerprint(), broker.current().fingerprint());
			assertEquals(rotated.authority().fingerprint(), ca().existing().orElseThrow().fingerprint(), "and it made no CA of its own");
		}
	}

	/** Every file under {@code home} is free of the key: its DER, base64, hex and the raw private scalar. */
	static void assertKeyInNoFile(Path home, byte[] pkcs8) throws IOException {
		byte[] scalar = ((java.security.interfaces.ECPrivateKey) decode(pkcs8)).getS().toByteArray();
		byte[] s32 = scalar.length > 32 ? java.util.Arrays.copyOfRange(scalar, scalar.length - 32, scalar.length) : scalar;
		List<byte[]> needles = List.of(pkcs8, s32, Base64.getEncoder().encode(pkcs8), Base64.getEncoder().encode(s32),
				HexFormat.of().formatHex(s32).getBytes(StandardCharsets.US_ASCII), Base64.getMimeEncoder().encode(pkcs8));
		List<Path> files;
		try (Stream<Path> walk = Files.walk(home)) {
			files = walk.filter(Files::isRegularFile).toList();
		}
		assertFalse(files.isEmpty());
		for (Path file : files) {
			byte[] content = Files.readAllBytes(file);
			for (byte[] needle : needles) {
				assertEquals(-1, indexOf(content, needle), "a form of the CA key is in " + file);
			}
			assertFalse(new String(content, StandardCharsets.US_ASCII).contains("PRIVATE KEY"), file.toString());
		}
	}

	private static java.security.PrivateKey decode(byte[] pkcs8) {
		try {
			return Authority.decodeKey(Base64.getEncoder().encodeToString(pkcs8));
		} catch (java.security.GeneralSecurityException e) {
			throw new AssertionError(e);
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer:
		for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}
}
