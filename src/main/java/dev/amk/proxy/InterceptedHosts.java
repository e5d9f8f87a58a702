package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.ca.HostNames;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.HostMap;
import dev.amk.providers.Injection;
import dev.amk.providers.OwnedHost;
import okhttp3.HttpUrl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of an agent's granted connections a forward-proxy request for a host belongs to, and where it goes: the
 * hosts each provider owns ({@link dev.amk.providers.ProviderSpec#hosts}), the connection's base URL host among
 * them. Deny by default: a host no granted connection owns is {@code host_not_allowed}; so is an IP literal or a
 * loopback name, which no connection can own and which would otherwise point the broker at this machine.
 */
final class InterceptedHosts {
	private InterceptedHosts() {
	}

	/**
	 * Where a host's requests go.
	 *
	 * @param connection the granted connection that owns the host, as the registry knows it
	 * @param upstream   the connection as the upstream request needs it: its base URL when the host is the base URL's,
	 *                   else {@code https://HOST}; the host's own injection when it has one (git on github.com)
	 * @param basePath   the base URL's path segments, which a tool's full path starts with and grants do not see
	 */
	record Route(Connection connection, Connection upstream, List<String> basePath) {
	}

	/** The host as a lower-case DNS name, or refused: IP literals, loopback and link-local names never reach a connection. */
	static String requireInterceptable(String host) throws Refused {
		if (host == null || host.isEmpty()) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The request names no host.");
		}
		if (!HostNames.isDnsName(host)) {
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "The broker's forward proxy reaches only the host names of your granted"
					+ " connections, never an IP address. Use the service's host name.");
		}
		String name = HostNames.requireDnsName(host);
		if (name.equals("localhost") || name.endsWith(".localhost")) {
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "The broker's forward proxy does not reach this machine. Call local services"
					+ " directly (NO_PROXY=localhost,127.0.0.1,::1).");
		}
		return name;
	}

	/** The route of {@code host} (valid, lower case) for this agent, or refused as {@code host_not_allowed}. */
	static Route route(AccessSnapshot snapshot, AccessSnapshot.AgentEntry agent, String host) throws Refused {
		List<Route> found = new ArrayList<>();
		List<Route> exact = new ArrayList<>();
		for (String name : agent.grants().keySet().stream().sorted().toList()) {
			Connection connection = snapshot.connection(name);
			OwnedHost owned = connection == null ? null : owner(connection, host);
			if (owned != null) {
				found.add(route(connection, owned, host));
				if (!owned.pattern().startsWith("*.")) {
					exact.add(found.getLast());
				}
			}
		}
		if (found.size() > 1 && exact.size() == 1) {
			// A provider that names the host beats one that owns its whole domain: Gemini's generativelanguage.googleapis.com
			// stays Gemini's when the agent also holds a Google Cloud (*.googleapis.com) grant.
			return exact.getFirst();
		}
		if (found.isEmpty()) {
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "Agent '" + agent.agent().name() + "' has no granted connection for " + host
					+ ", so the broker does not open it. It may reach: " + agent.agent().reach() + ".");
		}
		if (found.size() > 1) {
			// Two credentials could serve the host: which one a tool used would depend on nothing it can see.
			throw Refused.of(ErrorType.HOST_NOT_ALLOWED, "Agent '" + agent.agent().name() + "' has more than one granted connection for "
					+ host + " (" + String.join(", ", found.stream().map(r -> r.connection().name()).toList()) + "); grant it only one,"
					+ " or use the base-URL route http://127.0.0.1:PORT/CONNECTION/… to choose.");
		}
		return found.getFirst();
	}

	/** Whether one of the agent's granted connections owns the host (it is then intercepted, never blindly tunnelled). */
	static boolean ownedByGrant(AccessSnapshot snapshot, AccessSnapshot.AgentEntry agent, String host) {
		return agent.grants().keySet().stream().map(snapshot::connection).anyMatch(c -> c != null && owner(c, host) != null);
	}

	/** Whether any connection owns the host: the certificate issuer's last check, whoever asks. */
	static boolean ownedByAny(AccessSnapshot snapshot, String host) {
		return snapshot.connections().stream().anyMatch(c -> owner(c, host) != null);
	}

	/** The provider's hosts for the connection, then its mapped hosts, which it owns too (GitHub Enterprise's own host). */
	private static OwnedHost owner(Connection connection, String host) {
		for (OwnedHost owned : connection.provider().hosts(connection.baseUrl())) {
			if (owned.matches(host)) {
				return owned;
			}
		}
		for (HostMap map : connection.hostMaps()) {
			if (map.matches(host)) {
				return new OwnedHost(map.host().pattern(), null);
			}
		}
		return null;
	}

	private static Route route(Connection connection, OwnedHost owned, String host) {
		HttpUrl base = connection.baseUrl();
		Injection injection = owned.injection() != null ? owned.injection() : connection.injection();
		if (base.host().toLowerCase(Locale.ROOT).equals(host)) {
			List<String> basePath = base.pathSegments().stream().filter(s -> !s.isEmpty()).toList();
			return new Route(connection, withUpstream(connection, base, injection), basePath);
		}
		HttpUrl origin = new HttpUrl.Builder().scheme("https").host(host).build();
		return new Route(connection, withUpstream(connection, origin, injection), List.of());
	}

	/** The host maps apply later, to whichever door's upstream ({@link PipelineTail}). */
	private static Connection withUpstream(Connection c, HttpUrl base, Injection injection) {
		return c.withUpstream(base, injection);
	}
}
