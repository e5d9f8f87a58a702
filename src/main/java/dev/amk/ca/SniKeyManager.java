package dev.amk.ca;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;

/**
 * The server side of intercepted tunnels: picks the leaf certificate by the host the client asks for (SNI),
 * signing it on first use, and offers no certificate at all for any other host, so the handshake fails
 * before a byte of the request is read.
 *
 * <p>The host is the SNI name; an engine made with a peer host ({@code context.createSSLEngine(connectHost,
 * port)}, the {@code CONNECT} target) must agree with it, so a tunnel opened for a granted host cannot be
 * used to get a certificate for another. Without SNI the peer host is used. Only hosts the
 * {@code allowed} predicate accepts get one; IP literals and wildcards never do ({@link HostNames}).
 *
 * <p>Jetty's {@code SslConnectionFactory} makes its engines with the client's address as peer host, which
 * is an IP literal and so binds nothing: a proxy that lets Jetty make the engine must compare the session's
 * SNI with the {@code CONNECT} host itself (or make the engine with the {@code CONNECT} host). A request's
 * {@code Host} header is held to the leaf's name by Jetty's {@code SecureRequestCustomizer} (its SNI host
 * check, on by default: a 400 otherwise, as JettySniTest shows).
 *
 * <p>The alias is the host name itself, so {@link #getCertificateChain} and {@link #getPrivateKey} read
 * the leaf back from {@link LeafCertificates}' cache.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
	private static final System.Logger LOG = System.getLogger(SniKeyManager.class.getName());

	private final LeafCertificates leaves;
	private final Predicate<String> allowed;

	/**
	 * @param allowed whether a (lower-case, valid) host name may be intercepted at all; asked on every
	 *                handshake, so it may read live state such as the current grants
	 */
	public SniKeyManager(LeafCertificates leaves, Predicate<String> allowed) {
		this.leaves = leaves;
		this.allowed = allowed;
	}

	/** A TLS server context that presents this key manager's leaves (and checks no client certificates). */
	public SSLContext serverContext() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(new KeyManager[] {this}, null, null);
			return context;
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("no TLS in this Java runtime", e);
		}
	}

	@Override
	public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
		return engine == null ? null : choose(keyType, engine.getHandshakeSession(), engine.getPeerHost());
	}

	@Override
	public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
		return socket instanceof SSLSocket ssl ? choose(keyType, ssl.getHandshakeSession(), null) : null;
	}

	private String choose(String keyType, SSLSession handshake, String peerHost) {
		if (!"EC".equals(keyType)) {
			return null; // our leaves carry P-256 keys; the JDK asks again with EC when RSA finds nothing
		}
		String sni = requestedHost(handshake);
		String peer = peerHost != null && HostNames.isDnsName(peerHost) ? HostNames.requireDnsName(peerHost) : null;
		String host;
		try {
			host = sni != null ? HostNames.requireDnsName(sni) : peer;
		} catch (InvalidHostException e) {
			LOG.log(System.Logger.Level.DEBUG, "no certificate: " + e.getMessage());
			return null;
		}
		if (host == null || (peer != null && !peer.equals(host)) || !allowed.test(host)) {
			return null;
		}
		try {
			return leaves.leaf(host).host();
		} catch (RuntimeException e) {
			LOG.log(System.Logger.Level.WARNING, "No certificate for " + host + ": " + e.getMessage());
			return null;
		}
	}

	private static String requestedHost(SSLSession handshake) {
		if (handshake instanceof ExtendedSSLSession extended) {
			for (SNIServerName name : extended.getRequestedServerNames()) {
				if (name.getType() == StandardConstants.SNI_HOST_NAME) {
					return name instanceof SNIHostName host ? host.getAsciiName() : null;
				}
			}
		}
		return null;
	}

	@Override
	public X509Certificate[] getCertificateChain(String alias) {
		try {
			return leaves.leaf(alias).chain().clone();
		} catch (RuntimeException e) {
			return null;
		}
	}

	@Override
	public PrivateKey getPrivateKey(String alias) {
		try {
			return leaves.leaf(alias).key();
		} catch (RuntimeException e) {
			return null;
		}
	}

	@Override
	public String[] getServerAliases(String keyType, Principal[] issuers) {
		return null; // issued on demand: there is no fixed list
	}

	@Override
	public String[] getClientAliases(String keyType, Principal[] issuers) {
		return null;
	}

	@Override
	public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
		return null;
	}

	@Override
	public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
		return null;
	}
}
