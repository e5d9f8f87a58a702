package dev.amk.ca;


import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Leaf certificates for intercepted hosts, signed by the {@link LocalCa} and kept in memory only.
 *
 * <ul>
 * <li>Valid for {@value #LIFETIME_DAYS} days from a day in the past. Short, because nothing revokes a leaf:
 * one copied out of memory with its key, or kept by a client after a rotation, is good for a week at most
 * (and far inside Apple's 825-day limit for certificates under user-trusted roots). Not shorter, because a
 * laptop's broker that slept over a long weekend should still find its leaves valid and renew them in the
 * background rather than sign on a waiting handshake. The day in the past covers clients whose clock lags
 * (a VM or container after the host slept); a leaf never outlives its CA.</li>
 * <li>One ECDSA P-256 key pair for every leaf of this process, made when the CA is first used (and again
 * after a rotation), never written anywhere. A leaf's key protects nothing the CA key does not already
 * protect, since both live in the same memory; sharing it makes issuance a single signature (well under a
 * millisecond) instead of a key generation plus a signature. mitmproxy does the same.</li>
 * <li>DNS subject alternative name only (no IP addresses, no wildcards: {@link HostNames}), extended key
 * usage serverAuth, key usage digitalSignature, a random 128-bit serial.</li>
 * <li>A bounded LRU cache ({@value #CACHE_SIZE} hosts). A leaf past half its life is still served, and its
 * replacement is signed on the {@code renewals} executor, so after a host's first handshake no handshake
 * waits for a signature.</li>
 * </ul>
 */
public final class LeafCertificates {
	static final int LIFETIME_DAYS = 7;
	static final Duration LIFETIME = Duration.ofDays(LIFETIME_DAYS);
	static final Duration BACKDATE = Duration.ofDays(1);
	static final int CACHE_SIZE = 512;
	private static final System.Logger LOG = System.getLogger(LeafCertificates.class.getName());

	private final LocalCa ca;
	private final Clock clock;
	private final Executor renewals;
	private final SecureRandom random = new SecureRandom();
	private final Map<String, Leaf> cache = new LinkedHashMap<>(64, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Leaf> eldest) {
			return size() > CACHE_SIZE;
		}
	};
	private final Set<String> renewing = ConcurrentHashMap.newKeySet();
	/** The CA the cached leaves and the leaf key belong to; a rotation empties the cache. */
	private Authority signer;
	private KeyPair leafKeys;

	/** A leaf certificate with its chain (leaf, then the CA) and the shared leaf key. */
	public record Leaf(String host, X509Certificate[] chain, PrivateKey key, Instant renewAt) {
		public X509Certificate certificate() {
			return chain[0];
		}

		public Instant notAfter() {
			return chain[0].getNotAfter().toInstant();
		}
	}

	/**
	 * @param renewals where replacements for ageing leaves are signed, off the handshake's thread
	 */
	public LeafCertificates(LocalCa ca, Clock clock, Executor renewals) {
		this.ca = ca;
		this.clock = clock;
		this.renewals = renewals;
	}

	/** A background executor of one daemon thread, for {@code renewals}. */
	public static Executor backgroundRenewals() {
		return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "amk-leaf-renewal");
			t.setDaemon(true);
			return t;
		});
	}

	/**
	 * The leaf for {@code host}: from the cache, else signed now (only a host's first handshake, or one after
	 * the broker slept past a leaf's end, waits for this).
	 *
	 * @throws InvalidHostException when the name is not a plain DNS host name
	 */
	public Leaf leaf(String host) {
		String name = HostNames.requireDnsName(host);
		Authority authority = ca.current();
		Instant now = clock.instant();
		Leaf cached;
		synchronized (this) {
			adopt(authority);
			cached = cache.get(name);
		}
		if (cached != null && now.isBefore(cached.notAfter().minus(Duration.ofHours(1)))) {
			if (!now.isBefore(cached.renewAt())) {
				renewLater(name);
			}
			return cached;
		}
		return issue(name, authority);
	}

	/** Signs leaves for these hosts now (on the renewal executor), so that even their first handshake finds one ready. */
	public void prepare(Collection<String> hosts) {
		for (String host : hosts) {
			if (HostNames.isDnsName(host)) {
				renewLater(HostNames.requireDnsName(host));
			}
		}
	}

	/** How many leaves are cached now. */
	public synchronized int size() {
		return cache.size();
	}

	private void renewLater(String name) {
		if (renewing.add(name)) {
			try {
				renewals.execute(() -> {
					try {
						issue(name, ca.current()); // the CA of the moment it runs, in case it was rotated meanwhile
					} catch (RuntimeException e) {
						LOG.log(System.Logger.Level.WARNING, "Could not renew the leaf certificate for " + name + "; the next handshake tries again: "
								+ e.getMessage());
					} finally {
						renewing.remove(name);
					}
				});
			} catch (RuntimeException e) {
				renewing.remove(name); // the executor was shut down: the next handshake signs it itself
			}
		}
	}

	private Leaf issue(String name, Authority authority) {
		KeyPair keys;
		synchronized (this) {
			adopt(authority);
			keys = leafKeys;
		}
		Leaf leaf = sign(name, authority, keys, clock.instant());
		synchronized (this) {
			if (signer == authority) {
				cache.put(name, leaf);
			}
		}
		return leaf;
	}

	/** Called with the lock held: switches to {@code authority}, dropping every leaf (and the key) of the previous CA. */
	private void adopt(Authority authority) {
		if (signer != authority) {
			cache.clear();
			signer = authority;
			try {
				leafKeys = X509Signing.newKeyPair(random);
			} catch (GeneralSecurityException e) {
				throw new IllegalStateException("no EC key pair generator in this Java runtime", e);
			}
		}
	}

	private Leaf sign(String name, Authority authority, KeyPair keys, Instant now) {
		Instant notAfter = now.plus(LIFETIME);
		if (notAfter.isAfter(authority.notAfter())) {
			notAfter = authority.notAfter();
		}
		X509Certificate certificate = X509Signing.leaf(name, authority, keys.getPublic(), now.minus(BACKDATE), notAfter, random);
		Instant renewAt = now.plus(Duration.between(now, notAfter).dividedBy(2));
		return new Leaf(name, new X509Certificate[] {certificate, authority.certificate()}, keys.getPrivate(), renewAt);
	}
}
