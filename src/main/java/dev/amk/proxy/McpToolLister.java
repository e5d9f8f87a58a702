package dev.amk.proxy;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;
import dev.amk.mcp.McpMessages;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The live tool list of an MCP server connection, for the agent editor's tool picker: {@code initialize},
 * {@code notifications/initialized} and {@code tools/list} (every page) over Streamable HTTP, then the session ended,
 * with the connection's real credential put in exactly as the proxy puts it ({@link SecretInjection}) and, for an OAuth
 * connection, kept fresh and retried once after a 401 as the proxy does. Answers may come as JSON or as an event stream;
 * a server that hands out an {@code Mcp-Session-Id} gets it back on every later request.
 *
 * <p>Only the connection's own URL is contacted, with the proxy's client (no redirects). Failures are
 * {@link AmkException}s whose messages say, for a person, what happened and what to do; they never contain the credential.
 * Calls block for up to a few timeouts: never call them on the FX thread.
 */
public final class McpToolLister implements AutoCloseable {
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
	/** An answer (JSON body or one event) larger than this is not a tool list a person could tick through. */
	static final int MAX_ANSWER = 8 * 1024 * 1024;
	/** Pages of tools/list followed before giving up on a server whose cursor never ends. */
	static final int MAX_PAGES = 50;
	private static final MediaType JSON = MediaType.get("application/json");

	/** One tool the server offers: its exact name (what a grant names), and a title and description for a person (may be empty). */
	public record Tool(String name, String title, String description) {
	}

	private final CredentialSource credentials;
	private final Duration timeout;
	private final OkHttpClient client;

	public McpToolLister(CredentialSource credentials) {
		this(credentials, DEFAULT_TIMEOUT);
	}

	public McpToolLister(CredentialSource credentials, Duration timeout) {
		this.credentials = credentials;
		this.timeout = timeout;
		// The proxy's client (no redirects, its socket set-up), with a deadline per call: a server that never answers
		// must leave the picker with a message, not a spinner.
		this.client = UpstreamClient.create(ProxySettings.defaults(0).withTimeouts(timeout, timeout, timeout)).newBuilder()
				.callTimeout(timeout)
				.readTimeout(timeout)
				.writeTimeout(timeout)
				.connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
				.build();
	}

	/**
	 * The tools {@code connection}'s server lists now, in its order, each name once.
	 *
	 * @throws AmkException {@code connection_needs_reauth} when the sign-in (or key) is no longer accepted,
	 *                      {@code upstream_unreachable} / {@code upstream_timeout} when the server cannot be reached, and
	 *                      {@code invalid_argument} for a connection that is not an MCP server or an answer that is not MCP
	 */
	public List<Tool> list(Connection connection) {
		if (connection.provider() == null || !connection.provider().speaksMcp()) {
			throw AmkException.invalid("'" + connection.name() + "' is not an MCP server, so it has no tools to list.");
		}
		Session session = new Session(connection);
		try {
			Map<String, Object> init = session.call("initialize", Map.of("protocolVersion", dev.amk.mcp.McpMessages.PROTOCOL_VERSION, "capabilities", Map.of(),
					"clientInfo", Map.of("name", "agent-master-key", "version", "1")));
			if (init.get("protocolVersion") instanceof String v && !v.isBlank()) {
				session.protocolVersion = v;
			}
			session.notify("notifications/initialized");
			List<Tool> tools = new ArrayList<>();
			Set<String> seen = new LinkedHashSet<>();
			Object cursor = null;
			for (int page = 0; page < MAX_PAGES; page++) {
				Map<String, Object> result = session.call("tools/list", cursor == null ? Map.of() : Map.of("cursor", cursor));
				if (!(result.get("tools") instanceof List<?> list)) {
					throw notMcp(connection, "its tools/list answer holds no list of tools");
				}
				for (Object o : list) {
					if (o instanceof Map<?, ?> t && t.get("name") instanceof String name && seen.add(name)) {
						tools.add(new Tool(name, text(t.get("title"), t.get("annotations") instanceof Map<?, ?> a ? a.get("title") : null),
								text(t.get("description"), null)));
					}
				}
				cursor = result.get("nextCursor");
				if (cursor == null || "".equals(cursor)) {
					return tools;
				}
			}
			return tools;
		} finally {
			session.end();
		}
	}

	private static String text(Object first, Object second) {
		Object v = first instanceof String s && !s.isBlank() ? s : second;
		if (!(v instanceof String s)) {
			return "";
		}
		String line = s.strip().lines().findFirst().orElse("");
		return line.length() > 200 ? line.substring(0, 199) + "…" : line;
	}

	/** One MCP session with the server: the credential in use, the session id and protocol version it agreed. */
	private final class Session {
		final Connection connection;
		final HttpUrl url;
		String credential;
		boolean retried;
		String sessionId;
		String protocolVersion;
		int nextId = 1;

		Session(Connection connection) {
			this.connection = connection;
			this.url = connection.mapped(connection.baseUrl());
			try {
				this.credential = credentials.credentialFor(connection);
			} catch (AmkException e) {
				if (e.is(ErrorType.CONNECTION_NEEDS_REAUTH)) {
					throw e; // its message already says to reconnect, and how
				}
				String what = connection.isOAuth() ? "The sign-in of '" : "The key of '";
				throw new AmkException(e.errorType(), what + connection.name() + "' could not be read: " + e.getMessage(), e);
			}
		}

		/** A request and its answer's {@code result}; a JSON-RPC error or an answer that is not MCP becomes a message. */
		Map<String, Object> call(String method, Map<String, Object> params) {
			int id = nextId++;
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("jsonrpc", "2.0");
			message.put("id", id);
			message.put("method", method);
			message.put("params", params);
			try (Response response = send("POST", McpMessages.write(message))) {
				if (response.code() != 200) {
					throw status(response.code(), method);
				}
				if (sessionId == null && response.header("Mcp-Session-Id") != null) {
					sessionId = response.header("Mcp-Session-Id");
				}
				Map<?, ?> answer = answer(response, id, method);
				if (answer.get("error") instanceof Map<?, ?> error) {
					throw new AmkException(ErrorType.UPSTREAM_UNREACHABLE, redact("The MCP server '" + connection.name() + "' answered " + method
							+ " with an error: " + error.get("message") + ". Check the server, then load the tools again."));
				}
				if (!(answer.get("result") instanceof Map<?, ?> result)) {
					throw notMcp(connection, "its answer to " + method + " has no result");
				}
				@SuppressWarnings("unchecked")
				Map<String, Object> typed = (Map<String, Object>) result;
				return typed;
			} catch (IOException e) {
				throw failed(e);
			}
		}

		/** A notification: the server answers 202 with no body; anything else but a 401 is its own business. */
		void notify(String method) {
			try (Response response = send("POST", McpMessages.write(Map.of("jsonrpc", "2.0", "method", method)))) {
				if (response.code() >= 300) {
					throw status(response.code(), method);
				}
			} catch (IOException e) {
				throw failed(e);
			}
		}

		/** Ends the session the server opened (a courtesy: failures do not matter, the list is already read). */
		void end() {
			if (sessionId == null || credential == null) {
				return;
			}
			try (Response ignored = send("DELETE", null)) {
				// 200, 204 or 405 (a server that keeps its sessions): all fine
			} catch (IOException | RuntimeException ignored) {
				// the tools were listed; a session left to expire on the server harms nothing
			}
		}

		/** Sends one request, retried once with a fresh credential after a 401 (the proxy's rule, {@link Forwarder}). */
		Response send(String method, String body) throws IOException {
			Response response = client.newCall(request(method, body)).execute();
			if (response.code() == 401 && !retried) {
				retried = true;
				String better = credentials.afterRejection(connection, credential);
				if (better != null && !better.equals(credential)) {
					response.close();
					credential = better;
					response = client.newCall(request(method, body)).execute();
				}
			}
			if (response.code() == 401) {
				response.close();
				throw new AmkException(ErrorType.CONNECTION_NEEDS_REAUTH, "The MCP server '" + connection.name() + "' refused the broker's "
						+ (connection.isOAuth() ? "sign-in. Sign in again (Reconnect on the Connections tab, or amk mcp add " + connection.name()
								+ " --reconnect), then load the tools again." : "key. Replace it (amk connection set-secret " + connection.name()
								+ "), then load the tools again."));
			}
			return response;
		}

		Request request(String method, String body) {
			HttpUrl.Builder target = url.newBuilder();
			SecretInjection.intoUrl(target, connection.injection(), credential);
			Request.Builder request = new Request.Builder().url(target.build())
					.header("Accept", "application/json, text/event-stream")
					.header("Accept-Encoding", "identity")
					.method(method, body == null ? null : RequestBody.create(body, JSON));
			if (sessionId != null) {
				request.header("Mcp-Session-Id", sessionId);
			}
			if (protocolVersion != null) {
				request.header("MCP-Protocol-Version", protocolVersion);
			}
			try {
				SecretInjection.intoHeaders(request, connection.injection(), credential);
			} catch (IllegalArgumentException e) {
				// OkHttp quotes the offending value in its message: never passed on.
				throw AmkException.invalid("The credential of '" + connection.name() + "' cannot be sent in a header. Replace it, then load the"
						+ " tools again.");
			}
			return request.build();
		}

		/** The JSON-RPC answer with {@code id}, from a JSON body (one message or a batch) or from the event stream that carries it. */
		Map<?, ?> answer(Response response, int id, String method) throws IOException {
			String type = String.valueOf(response.header("Content-Type", "")).toLowerCase(Locale.ROOT);
			BufferedSource source = response.body().source();
			if (type.startsWith("text/event-stream")) {
				// The server may keep the stream open after answering (notifications): stop at the answer, do not wait for the end.
				StringBuilder data = new StringBuilder();
				long total = 0;
				while (true) {
					long newline = source.indexOf((byte) '\n', 0, MAX_ANSWER);
					if (newline < 0) {
						if (source.exhausted() || source.getBuffer().size() < MAX_ANSWER) {
							break;
						}
						throw tooLarge(method);
					}
					String line = source.readUtf8(newline + 1).stripTrailing();
					total += newline + 1;
					if (total > 4L * MAX_ANSWER) {
						throw tooLarge(method);
					}
					if (line.isEmpty()) {
						Map<?, ?> found = matching(data.toString(), id);
						data.setLength(0);
						if (found != null) {
							return found;
						}
					} else if (line.startsWith("data:")) {
						data.append(line.substring(line.startsWith("data: ") ? 6 : 5)).append('\n');
						if (data.length() > MAX_ANSWER) {
							throw tooLarge(method);
						}
					}
				}
				Map<?, ?> last = matching(data.toString(), id);
				if (last != null) {
					return last;
				}
				throw notMcp(connection, "its event stream ended without an answer to " + method);
			}
			if (source.request(MAX_ANSWER + 1L)) {
				throw tooLarge(method);
			}
			Map<?, ?> found = matching(source.readUtf8(), id);
			if (found == null) {
				throw notMcp(connection, "its answer to " + method + " is not the JSON-RPC answer asked for");
			}
			return found;
		}

		private AmkException tooLarge(String method) {
			return notMcp(connection, "its answer to " + method + " is larger than " + MAX_ANSWER / (1024 * 1024) + " MiB");
		}

		private AmkException status(int code, String method) {
			String next = code == 404 || code == 405 ? "Check that the connection's URL is the server's MCP endpoint."
					: code == 403 ? "The credential is accepted but not allowed to list tools; check its scopes or permissions."
					: code >= 500 ? "The server has a problem right now; try again in a while." : "Check the server and the connection's URL.";
			return new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "The MCP server '" + connection.name() + "' answered " + code + " to " + method
					+ ". " + next + " Then load the tools again.");
		}

		private AmkException failed(IOException e) {
			// Only the exception's type is used: I/O messages may quote addresses or, for odd libraries, headers.
			String where = "the MCP server '" + connection.name() + "' (" + url.host() + ":" + url.port() + ")";
			if (e instanceof InterruptedIOException) {
				return new AmkException(ErrorType.UPSTREAM_TIMEOUT, "No answer from " + where + " within " + timeout.toSeconds()
						+ " seconds. Check that it is running, then load the tools again.");
			}
			String why = e instanceof UnknownHostException ? "its host name does not resolve"
					: e instanceof ConnectException || e instanceof NoRouteToHostException ? "nothing accepted the connection"
					: e instanceof SSLException ? "the secure (TLS) handshake failed" : "the connection failed before an answer came";
			return new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "Could not reach " + where + ": " + why + ". Check that the server is running"
					+ " and your network, then load the tools again.");
		}

		private String redact(String text) {
			return ConnectionTester.redact(text, credential);
		}
	}

	/** The message with {@code id} in one JSON text (a message or a batch); null when it holds none or is not JSON. */
	private static Map<?, ?> matching(String json, int id) {
		if (json.isBlank()) {
			return null;
		}
		Object parsed;
		try {
			parsed = McpMessages.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		} catch (McpMessages.Unreadable e) {
			return null;
		}
		for (Object o : parsed instanceof List<?> batch ? batch : List.of(parsed)) {
			if (o instanceof Map<?, ?> m && m.get("id") instanceof Number n && n.longValue() == id && (m.containsKey("result") || m.containsKey("error"))) {
				return m;
			}
		}
		return null;
	}

	private static AmkException notMcp(Connection connection, String why) {
		return new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "The MCP server '" + connection.name() + "' did not answer as an MCP server: " + why
				+ ". Check that the connection's URL is its MCP endpoint, then load the tools again.");
	}

	/** Drops the client's connections; the broker calls it when it stops. */
	@Override
	public void close() {
		client.connectionPool().evictAll();
	}
}
