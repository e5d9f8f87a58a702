package dev.amk.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where a blind tunnel ({@code --allow-host}) to a host name may connect: the one address it resolves to now, vetted.
 * The tunnel connects to that very address, so a name that resolved to a public address for the check cannot be
 * re-resolved to this machine for the connection (DNS rebinding).
 */
@FunctionalInterface
public interface TunnelDestinations {
	/**
	 * The address and port to connect to for {@code CONNECT host:port}.
	 *
	 * @throws UnknownHostException when the name does not resolve
	 * @throws NotPublic            when it resolves only to addresses a tunnel must never reach
	 */
	InetSocketAddress resolve(String host, int port) throws UnknownHostException, NotPublic;

	/** A name that resolves to this machine, the local network or a link-local service such as a cloud's metadata endpoint. */
	final class NotPublic extends Exception {
		public NotPublic(String host) {
			super(host, null, false, false);
		}
	}

	/** Production: the system resolver, and only public unicast addresses. */
	TunnelDestinations PUBLIC_ONLY = (host, port) -> {
		for (InetAddress address : InetAddress.getAllByName(host)) {
			if (isPublic(address)) {
				return new InetSocketAddress(address, port);
			}
		}
		throw new NotPublic(host);
	};

	/**
	 * False for loopback, link-local (169.254/16, fe80::/10: metadata services), private (10/8, 172.16/12, 192.168/16,
	 * fc00::/7), carrier-grade NAT (100.64/10), unspecified, multicast and IPv4-mapped or -compatible forms of them.
	 */
	static boolean isPublic(InetAddress address) {
		if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
				|| address.isMulticastAddress()) {
			return false;
		}
		byte[] b = address.getAddress();
		if (address instanceof Inet4Address) {
			int first = b[0] & 0xff;
			int second = b[1] & 0xff;
			return first != 0 && !(first == 100 && second >= 64 && second < 128) && first < 240;
		}
		if (address instanceof Inet6Address) {
			if ((b[0] & 0xfe) == 0xfc) {
				return false; // unique local
			}
			boolean mappedOrCompatible = true;
			for (int i = 0; i < 10; i++) {
				mappedOrCompatible &= b[i] == 0;
			}
			if (mappedOrCompatible && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
				try {
					return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
				} catch (UnknownHostException e) {
					return false;
				}
			}
		}
		return true;
	}
}
