package dev.amk.ca;

import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.MutableClock;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeafCertificatesTest {
	static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

	@TempDir
	Path home;

	MutableClock clock = new MutableClock(START);
	InMemorySecretStore keychain = new InMemorySecretStore();
	List<Runnable> renewals = new ArrayList<>();
	LocalCa ca;
	LeafCertificates leaves;

	@BeforeEach
	void start() {
		ca = new LocalCa(home, keychain, clock, SystemRoots.of("", "none"), new SecureRandom(), Duration.ZERO);
		ca.ensure();
		leaves = new LeafCertificates(ca, clock, renewals::add); // renewals run when the test says so
	}

	/** PKIX path validation at {@code at} against the CA alone, as a client that trusts it would do. */
	void validate(LeafCertificates.Leaf leaf, Instant at) throws Exception {
		PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.current().certificate(), null)));
		parameters.setRevocationEnabled(false);
		parameters.setDate(Date.from(at));
		CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf.certificate())), parameters);
	}

	@Test
	@DisplayName("a leaf names only its host (DNS SAN), serves servers, is signed by the CA and lasts 7 days from a day back")
	void shape() throws Exception {
		LeafCertificates.Leaf leaf = leaves.leaf("API.OpenAI.com");
		X509Certificate c = leaf.certificate();
		assertEquals("api.openai.com", leaf.host());
		assertEquals(List.of(List.of(2, "api.openai.com")), c.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
		assertEquals(List.of("1.3.6.1.5.5.7.3.1"), c.getExtendedKeyUsage());
		assertEquals(-1, c.getBasicConstraints());
		assertTrue(c.getKeyUsage()[0], "digitalSignature");
		assertNotNullExtension(c, Extension.authorityKeyIdentifier);
		assertEquals(ca.current().certificate().getSubjectX500Principal(), c.getIssuerX500Principal());
		assertEquals("CN=api.openai.com,O=Agent Master Key", c.getSubjectX500Principal().getName());
		assertSame(ca.current().certificate(), leaf.chain()[1], "the chain ends with the CA");
		assertEquals(START.minus(Duration.ofDays(1)), c.getNotBefore().toInstant());
		assertEquals(START.plus(Duration.ofDays(7)), c.getNotAfter().toInstant());
		assertTrue(c.getSerialNumber().bitLength() > 64);
		assertNotEquals(c.getSerialNumber(), leaves.leaf("uploads.github.com").certificate().getSerialNumber());
		validate(leaf, START);
		validate(leaf, START.plus(Duration.ofDays(6)));
	}

	@Test
	@DisplayName("a leaf verifies until its end and not after it (controlled clock)")
	void expiry() throws Exception {
		LeafCertificates.Leaf leaf = leaves.leaf("api.openai.com");
		validate(leaf, START.plus(Duration.ofDays(7)).minusSeconds(1));
		assertThrows(CertPathValidatorException.class, () -> validate(leaf, START.plus(Duration.ofDays(7)).plusSeconds(1)));
		assertThrows(CertPathValidatorException.class, () -> validate(leaf, START.minus(Duration.ofDays(1)).minusSeconds(1)));
	}

	@Test
	@DisplayName("leaf() serves the cached leaf; past half its life it still does and renews on the executor, never on the caller")
	void renewal() {
		LeafCertificates.Leaf first = leaves.leaf("api.openai.com");
		clock.advance(Duration.ofDays(3));
		assertSame(first, leaves.leaf("api.openai.com"));
		assertTrue(renewals.isEmpty());
		clock.advance(Duration.ofHours(13)); // 3.5 days: half of 7
		assertSame(first, leaves.leaf("api.openai.com"), "still the old one: the handshake does not wait");
		assertSame(first, leaves.leaf("api.openai.com"));
		assertEquals(1, renewals.size(), "one renewal queued, however many handshakes ask");
		renewals.removeFirst().run();
		LeafCertificates.Leaf renewed = leaves.leaf("api.openai.com");
		assertNotEquals(first.certificate(), renewed.certificate());
		assertEquals(clock.instant().plus(Duration.ofDays(7)), renewed.notAfter());
	}

	@Test
	@DisplayName("a leaf too close to its end is replaced on the spot (a broker that slept for days)")
	void expiredInCache() {
		LeafCertificates.Leaf first = leaves.leaf("api.openai.com");
		clock.advance(Duration.ofDays(8));
		LeafCertificates.Leaf next = leaves.leaf("api.openai.com");
		assertNotEquals(first.certificate(), next.certificate());
		assertTrue(next.notAfter().isAfter(clock.instant()));
	}

	@Test
	@DisplayName("prepare() signs leaves ahead of the first handshake, skipping names the CA refuses")
	void prepare() {
		leaves.prepare(List.of("api.openai.com", "127.0.0.1", "*.npmjs.org", "api.github.com"));
		assertEquals(2, renewals.size());
		renewals.forEach(Runnable::run);
		assertEquals(2, leaves.size());
	}

	@Test
	@DisplayName("IP literals, wildcards and invalid names get no leaf")
	void refused() {
		assertEquals(InvalidHostException.Reason.IP_LITERAL, assertThrows(InvalidHostException.class, () -> leaves.leaf("127.0.0.1")).reason());
		assertEquals(InvalidHostException.Reason.IP_LITERAL, assertThrows(InvalidHostException.class, () -> leaves.leaf("::1")).reason());
		assertEquals(InvalidHostException.Reason.WILDCARD, assertThrows(InvalidHostException.class, () -> leaves.leaf("*.openai.com")).reason());
		assertEquals(0, leaves.size());
	}

	@Test
	@DisplayName("after a rotation the old CA's leaves are dropped and new ones chain to the new CA")
	void rotation() throws Exception {
		LeafCertificates.Leaf old = leaves.leaf("api.openai.com");
		leaves.leaf("api.github.com");
		new LocalCa(home, keychain, clock, SystemRoots.of("", "none"), new SecureRandom()).rotate();
		LeafCertificates.Leaf fresh = leaves.leaf("api.openai.com");
		assertNotEquals(old.certificate(), fresh.certificate());
		assertNotEquals(old.key(), fresh.key(), "the leaf key changes with the CA");
		assertEquals(1, leaves.size(), "the other old leaf is gone too");
		validate(fresh, START);
		assertThrows(CertPathValidatorException.class, () -> validate(old, START));
	}

	@Test
	@DisplayName("the cache holds at most 512 hosts, dropping the least recently used")
	void bounded() {
		for (int i = 0; i < LeafCertificates.CACHE_SIZE + 10; i++) {
			leaves.leaf("h" + i + ".example");
		}
		assertEquals(LeafCertificates.CACHE_SIZE, leaves.size());
	}

	private static void assertNotNullExtension(X509Certificate c, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
		assertFalse(c.getExtensionValue(oid.getId()) == null, oid.getId());
	}
}
