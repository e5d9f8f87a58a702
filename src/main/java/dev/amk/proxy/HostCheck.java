package dev.amk.proxy;

import java.util.Locale;

/**
 * DNS-rebinding defence: a page in the user's browser can make requests to 127.0.0.1 under its own
 * domain name, but it cannot forge the {@code Host} header. Only the loopback names with our port pass.
 */
final class HostCheck {
	private HostCheck() {
	}

	static boolean allows(String hostAndPort, int port) {
		if (hostAndPort == null) {
			return false;
		}
		String h = hostAndPort.toLowerCase(Locale.ROOT);
		return h.equals("127.0.0.1:" + port) || h.equals("localhost:" + port) || h.equals("[::1]:" + port);
	}

	/** The loopback names, and with containers allowed the names containers use for this machine ({@link ContainerAccess}). */
	static boolean allows(String hostAndPort, int port, ContainerAccess containers) {
		return allows(hostAndPort, port) || containers.allowsHost(hostAndPort, port);
	}
}
