package dev.amk.proxy;

import org.eclipse.jetty.server.Request;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Agents in containers on the same machine (opt-in: {@code amk serve --allow-containers}, or the app's setting). Two things
 * change, nothing else:
 * <ul>
 * <li>the name containers use for this machine, {@code host.docker.internal:PORT} (and the bridge address itself with the
 * port), passes the {@link HostCheck}: Docker Desktop forwards that name to the host's 127.0.0.1, so this alone serves its
 * containers;</li>
 * <li>with a container bridge on this machine (Linux's {@code docker0}), the broker also listens on the bridge's own IPv4
 * address with the same port, which containers on the default bridge reach as {@code 172.17.0.1} or, with
 * {@code --add-host=host.docker.internal:host-gateway}, by name. Never {@code 0.0.0.0}: the broker must stay unreachable
 * from the network.</li>
 * </ul>
 *
 * @param enabled whether containers are served at all
 * @param bridge  the bridge address also listened on; null when there is none (Docker Desktop, no Docker)
 */
public record ContainerAccess(boolean enabled, InetAddress bridge) {
	public static final ContainerAccess OFF = new ContainerAccess(false, null);
	/** The name Docker (Desktop, and Linux with host-gateway) gives the host inside containers. */
	public static final String HOST_NAME = "host.docker.internal";
	/** The server attribute the request checks read this from. */
	static final String ATTRIBUTE = "dev.amk.proxy.containers";
	private static final String BRIDGE_INTERFACE = "docker0";

	public ContainerAccess {
		if (bridge != null && (bridge.isAnyLocalAddress() || bridge.isMulticastAddress() || !(bridge instanceof Inet4Address))) {
			throw new IllegalArgumentException("the container bridge must be one IPv4 interface address, never the wildcard: " + bridge);
		}
		if (!enabled && bridge != null) {
			throw new IllegalArgumentException("a bridge address is listened on only when containers are allowed");
		}
	}

	/** Containers allowed, on the bridge {@code bridges} finds (if any). */
	public static ContainerAccess allowed(Supplier<Optional<InetAddress>> bridges) {
		return new ContainerAccess(true, bridges.get().orElse(null));
	}

	/** The IPv4 address of this machine's {@code docker0} interface, when there is one and it is up. */
	public static Optional<InetAddress> dockerBridge() {
		try {
			NetworkInterface docker = NetworkInterface.getByName(BRIDGE_INTERFACE);
			if (docker == null || !docker.isUp()) {
				return Optional.empty();
			}
			return docker.inetAddresses().filter(a -> a instanceof Inet4Address && !a.isAnyLocalAddress()).findFirst();
		} catch (SocketException e) {
			return Optional.empty();
		}
	}

	/** What a person is told about it, one sentence, for {@code amk serve} and the app. */
	public String describe(int port) {
		if (!enabled) {
			return "Containers are not served (off by default; 'amk serve --allow-containers' or the app's Settings turn it on).";
		}
		String name = HOST_NAME + ":" + port;
		if (bridge == null) {
			return "Containers may use http://" + name + " (Docker Desktop forwards it to 127.0.0.1). No container bridge (docker0) was"
					+ " found here, so the broker listens on 127.0.0.1 only.";
		}
		return "Containers may use http://" + name + " (run them with --add-host=host.docker.internal:host-gateway) or http://"
				+ bridge.getHostAddress() + ":" + port + ": the broker also listens on the docker0 bridge " + bridge.getHostAddress()
				+ ", never on 0.0.0.0.";
	}

	/** Whether {@code hostAndPort} (a Host header or authority) names this machine as a container does. */
	boolean allowsHost(String hostAndPort, int port) {
		if (!enabled || hostAndPort == null) {
			return false;
		}
		String h = hostAndPort.toLowerCase(Locale.ROOT);
		return h.equals(HOST_NAME + ":" + port) || bridge != null && h.equals(bridge.getHostAddress() + ":" + port);
	}

	static ContainerAccess of(Request request) {
		return request.getConnectionMetaData().getConnector().getServer().getAttribute(ATTRIBUTE) instanceof ContainerAccess access ? access
				: OFF;
	}
}
