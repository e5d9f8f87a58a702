package dev.amk.ca;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * Every certificate the local CA makes, built with Bouncy Castle's bcpkix (the JDK has no public API to
 * build certificates, and hand-written ASN.1 is where encoding mistakes hide). Keys and signatures come
 * from the JDK's own providers; Bouncy Castle is not registered as a provider.
 *
 * <p>All Bouncy Castle use is here, so that only making a CA or a leaf loads it: its signed jar costs
 * hundreds of milliseconds to open in a cold JVM, which loading an existing CA ({@code amk run},
 * {@code amk ca path}) never pays. The profiles themselves are explained in {@link Authority} and
 * {@link LeafCertificates}.
 */
final class X509Signing {
	private static final String SIGNATURE = "SHA256withECDSA";

	private X509Signing() {
	}

	/** A new CA: P-256, CA:true pathlen 0, keyCertSign|cRLSign, valid from a day before {@code now} for ten years. */
	static Authority newAuthority(Instant now, SecureRandom random) {
		try {
			KeyPair pair = newKeyPair(random);
			byte[] suffix = new byte[4];
			random.nextBytes(suffix);
			X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
					.addRDN(BCStyle.O, Authority.PRODUCT)
					.addRDN(BCStyle.CN, Authority.PRODUCT + " Local CA " + HexFormat.of().formatHex(suffix))
					.build();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random), Date.from(now.minus(Authority.BACKDATE)),
					Date.from(now.plus(Authority.LIFETIME)), subject, pair.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
			return new Authority(sign(builder, pair.getPrivate()), pair.getPrivate());
		} catch (GeneralSecurityException | IOException | OperatorCreationException e) {
			throw new IllegalStateException("could not create the local CA", e);
		}
	}

	/** A leaf for one DNS name: SAN dNSName, serverAuth, digitalSignature, CA:false, signed by {@code ca}. */
	static X509Certificate leaf(String dnsName, Authority ca, PublicKey key, Instant notBefore, Instant notAfter, SecureRandom random) {
		X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Authority.PRODUCT);
		if (dnsName.length() <= 64) { // X.520's upper bound for a common name; the SAN is what clients check
			subject.addRDN(BCStyle.CN, dnsName);
		}
		X509Certificate caCertificate = ca.certificate();
		try {
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
					serial(random), Date.from(notBefore), Date.from(notAfter), subject.build(), key);
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
			builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
			builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate));
			return sign(builder, ca.key());
		} catch (GeneralSecurityException | IOException | OperatorCreationException e) {
			throw new IllegalStateException("could not sign a leaf certificate", e);
		}
	}

	static KeyPair newKeyPair(SecureRandom random) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		return generator.generateKeyPair();
	}

	/** A positive random 128-bit serial (CA/Browser Forum: at least 64 bits from a CSPRNG). */
	static BigInteger serial(SecureRandom random) {
		BigInteger serial;
		do {
			serial = new BigInteger(128, random);
		} while (serial.signum() == 0);
		return serial;
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException, OperatorCreationException {
		return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
	}
}
