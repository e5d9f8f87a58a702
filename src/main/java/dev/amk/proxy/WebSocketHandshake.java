package dev.amk.proxy;

import dev.amk.access.Target;
import dev.amk.agents.GrantRule;
import dev.amk.common.ErrorType;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.util.List;
import java.util.Locale;

/**
 * The agent's side of a WebSocket opening handshake (RFC 6455 §4), on any door: a base-URL route
 * ({@code ws://127.0.0.1:PORT/CONN/…}) or a request inside an intercepted tunnel ({@code wss://api.openai.com/v1/realtime}).
 * It is an ordinary GET as far as the pipeline goes (key, scope, credential, audit), with two differences decided here:
 * what a grant must allow, and the upgrade headers that {@link UpstreamRequest} strips as hop-by-hop and the handshake
 * needs upstream.
 */
final class WebSocketHandshake {
	private WebSocketHandshake() {
	}

	/** Whether the request asks to become a WebSocket; anything else with an {@code Upgrade} header is a plain request. */
	static boolean isUpgrade(Request request) {
		List<String> upgrade = request.getHeaders().getValuesList(HttpHeader.UPGRADE);
		return upgrade.size() == 1 && upgrade.getFirst().strip().equalsIgnoreCase("websocket");
	}

	/**
	 * Checks the handshake and the grant, and returns the target the socket is tracked as.
	 *
	 * <p>A WebSocket sends as much as it receives, so a grant that allows only reading ({@code read}: GET, HEAD, OPTIONS)
	 * does not allow one, although the handshake itself is a GET: the grant must allow POST too. The socket is tracked as a
	 * POST to its path, so that a grant narrowed to reading while it is open ends it, like a revocation.
	 *
	 * @throws Refused {@code bad_request} for a malformed handshake, {@code scope_denied} for a grant that only reads
	 */
	static Target check(Request request, GrantRule rule, Target target) throws Refused {
		HttpFields headers = request.getHeaders();
		if (!"GET".equals(request.getMethod()) || !connectionListsUpgrade(headers) || headers.getValuesList("Sec-WebSocket-Key").size() != 1
				|| !"13".equals(single(headers, "Sec-WebSocket-Version"))) {
			throw Refused.of(ErrorType.BAD_REQUEST, "A WebSocket handshake is a GET with 'Connection: Upgrade', 'Upgrade: websocket', one"
					+ " Sec-WebSocket-Key and 'Sec-WebSocket-Version: 13' (RFC 6455). Use a standard WebSocket client.");
		}
		if (!rule.allowsMethod("POST")) {
			throw Refused.of(ErrorType.SCOPE_DENIED, "A WebSocket sends messages as well as receiving them, so it needs a grant that allows"
					+ " POST on '" + target.connection() + "'; this agent's grant allows only " + String.join(", ", rule.methods().stream().sorted()
					.toList()) + ".");
		}
		return new Target(target.connection(), "POST", target.segments());
	}

	/** The prepared upstream request as a handshake: the upgrade's own headers back in, everything else as prepared. */
	static okhttp3.Request upstream(okhttp3.Request prepared) {
		return prepared.newBuilder().header("Connection", "Upgrade").header("Upgrade", "websocket").build();
	}

	private static boolean connectionListsUpgrade(HttpFields headers) {
		for (String token : HopByHop.connectionTokens(headers.getValuesList(HttpHeader.CONNECTION))) {
			if (token.toLowerCase(Locale.ROOT).equals("upgrade")) {
				return true;
			}
		}
		return false;
	}

	private static String single(HttpFields headers, String name) {
		List<String> values = headers.getValuesList(name);
		return values.size() == 1 ? values.getFirst().strip() : null;
	}
}
