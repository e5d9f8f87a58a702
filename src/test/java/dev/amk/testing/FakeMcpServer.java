package dev.amk.testing;

import dev.amk.common.Json;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Java MCP server (Streamable HTTP, JSON-RPC) on 127.0.0.1 at {@code /mcp}, with its own loopback authorization server,
 * for the broker's edge cases: protected-resource metadata (RFC 9728), authorization-server metadata (RFC 8414), dynamic
 * client registration (RFC 7591), an authorize endpoint that approves at once (PKCE S256 required) and a token endpoint
 * (code and refresh grants, both requiring the {@code resource} it protects). Tools: {@link #TOOLS}. It answers in JSON,
 * or as an event stream when the request carries {@code X-Test-Answer: sse}. It records what reached it, so that tests
 * can assert on the server's side: which tools were called, with which token.
 */
public final class FakeMcpServer implements AutoCloseable {
	public static final List<String> TOOLS = List.of("read_page", "delete_page", "search", "Read_page");

	/** One JSON-RPC message that reached the server, with the Authorization header it came with. */
	public record Received(String method, String tool, String authorization, String sessionId, String protocolVersion) {
	}

	private final MockWebServer server = new MockWebServer();
	private final List<Received> received = new CopyOnWriteArrayList<>();
	private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
	private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
	private final List<Map<String, Object>> registrations = new CopyOnWriteArrayList<>();
	private final Map<String, String[]> codes = new ConcurrentHashMap<>(); // code -> challenge, redirect
	private final List<String> validTokens = new CopyOnWriteArrayList<>();
	private final List<String> refreshTokens = new CopyOnWriteArrayList<>();
	private volatile boolean requireAuth = true;
	private volatile String staticKey;
	private volatile boolean requireSession;
	private volatile boolean alwaysSse;

	private FakeMcpServer() {
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return FakeMcpServer.this.dispatch(request);
			}
		});
	}

	public static FakeMcpServer start() {
		FakeMcpServer fake = new FakeMcpServer();
		try {
			fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return fake;
	}

	public String url() {
		return server.url("/mcp").toString();
	}

	/** The server takes this static key as a Bearer token instead of OAuth tokens. */
	public FakeMcpServer staticKey(String key) {
		this.staticKey = key;
		return this;
	}

	/** Every request after {@code initialize} must carry the session id the server handed out (400 otherwise), as stateful servers require. */
	public FakeMcpServer requireSession(boolean require) {
		this.requireSession = require;
		return this;
	}

	/** Every POST is answered as an event stream, as when the client asked with {@code X-Test-Answer: sse}. */
	public FakeMcpServer alwaysSse(boolean sse) {
		this.alwaysSse = sse;
		return this;
	}

	public FakeMcpServer requireAuth(boolean require) {
		this.requireAuth = require;
		return this;
	}

	public List<Received> received() {
		return List.copyOf(received);
	}

	public List<String> calledTools() {
		return received.stream().filter(r -> "tools/call".equals(r.method())).map(Received::tool).toList();
	}

	public List<Map<String, String>> tokenRequests() {
		return List.copyOf(tokenRequests);
	}

	public List<Map<String, String>> authorizeRequests() {
		return List.copyOf(authorizeRequests);
	}

	public List<Map<String, Object>> registrations() {
		return List.copyOf(registrations);
	}

	public List<String> issuedAccessTokens() {
		return List.copyOf(validTokens);
	}

	/** Every access token stops working (the server was reset): the next request needs a refresh. */
	public void revokeAccessTokens() {
		validTokens.clear();
	}

	/** Every token, refresh tokens too, stops working: only a new sign-in helps. */
	public void revokeEverything() {
		validTokens.clear();
		refreshTokens.clear();
	}

	private MockResponse dispatch(RecordedRequest r) {
		String path = r.getUrl().encodedPath();
		return switch (r.getMethod() + " " + path) {
			case "GET /.well-known/oauth-protected-resource/mcp" -> json(200, Map.of("resource", server.url("/mcp").toString(),
					"authorization_servers", List.of(server.url("/").toString()), "scopes_supported", List.of("mcp:tools")));
			case "GET /.well-known/oauth-authorization-server" -> json(200, Map.of("issuer", server.url("/").toString(),
					"authorization_endpoint", server.url("/authorize").toString(), "token_endpoint", server.url("/token").toString(),
					"registration_endpoint", server.url("/register").toString(), "code_challenge_methods_supported", List.of("S256"),
					"response_types_supported", List.of("code")));
			case "POST /register" -> register(r);
			case "GET /authorize" -> authorize(r);
			case "POST /token" -> token(r);
			case "POST /mcp", "GET /mcp", "DELETE /mcp" -> mcp(r);
			default -> new MockResponse.Builder().code(404).build();
		};
	}

	private MockResponse register(RecordedRequest r) {
		Map<String, Object> metadata = Json.readObject(r.getBody().utf8());
		registrations.add(metadata);
		Map<String, Object> answer = new LinkedHashMap<>(metadata);
		answer.put("client_id", "dyn-" + UUID.randomUUID());
		return json(201, answer);
	}

	private MockResponse authorize(RecordedRequest r) {
		Map<String, String> q = form(r.getUrl().encodedQuery());
		authorizeRequests.add(q);
		boolean registered = registrations.stream().anyMatch(m -> ((List<?>) m.get("redirect_uris")).contains(q.get("redirect_uri")));
		if (!"S256".equals(q.get("code_challenge_method")) || !registered || !server.url("/mcp").toString().equals(q.get("resource"))) {
			return new MockResponse.Builder().code(400).body("bad authorize request").build();
		}
		String code = "code-" + UUID.randomUUID();
		codes.put(code, new String[] {q.get("code_challenge"), q.get("redirect_uri")});
		HttpUrl back = HttpUrl.get(q.get("redirect_uri")).newBuilder().addQueryParameter("code", code).addQueryParameter("state", q.get("state")).build();
		return new MockResponse.Builder().code(302).setHeader("Location", back.toString()).build();
	}

	private MockResponse token(RecordedRequest r) {
		Map<String, String> f = form(r.getBody().utf8());
		tokenRequests.add(f);
		if (!server.url("/mcp").toString().equals(f.get("resource"))) {
			return json(400, Map.of("error", "invalid_target"));
		}
		switch (String.valueOf(f.get("grant_type"))) {
			case "authorization_code" -> {
				String[] code = codes.remove(String.valueOf(f.get("code")));
				if (code == null || !code[1].equals(f.get("redirect_uri")) || !code[0].equals(s256(f.get("code_verifier")))) {
					return json(400, Map.of("error", "invalid_grant"));
				}
			}
			case "refresh_token" -> {
				if (!refreshTokens.remove(f.get("refresh_token"))) {
					return json(400, Map.of("error", "invalid_grant"));
				}
			}
			default -> {
				return json(400, Map.of("error", "unsupported_grant_type"));
			}
		}
		String access = "mcp-at-" + UUID.randomUUID();
		String refresh = "mcp-rt-" + UUID.randomUUID();
		validTokens.add(access);
		refreshTokens.add(refresh);
		return json(200, Map.of("access_token", access, "refresh_token", refresh, "token_type", "Bearer", "expires_in", 3600, "scope", "mcp:tools"));
	}

	private boolean authorised(String authorization) {
		if (!requireAuth) {
			return true;
		}
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return false;
		}
		String token = authorization.substring(7);
		return staticKey != null ? staticKey.equals(token) : validTokens.contains(token);
	}

	private MockResponse mcp(RecordedRequest r) {
		String authorization = r.getHeaders().get("Authorization");
		if (!authorised(authorization)) {
			return new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\""
					+ server.url("/.well-known/oauth-protected-resource/mcp") + "\"").setHeader("Content-Type", "application/json")
					.body("{\"error\":\"invalid_token\"}").build();
		}
		if (r.getMethod().equals("DELETE")) {
			received.add(new Received("(delete)", null, authorization, r.getHeaders().get("Mcp-Session-Id"), r.getHeaders().get("MCP-Protocol-Version")));
			return new MockResponse.Builder().code(200).build();
		}
		if (r.getMethod().equals("GET")) {
			received.add(new Received("(stream)", null, authorization, r.getHeaders().get("Mcp-Session-Id"), r.getHeaders().get("MCP-Protocol-Version")));
			return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream")
					.body("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n"
							// A tools/list answer replayed on a resumed stream (Last-Event-ID): not an answer to anything in this exchange.
							+ "id: 7\nevent: message\ndata: " + Json.write(Map.of("jsonrpc", "2.0", "id", "earlier-1", "result", Map.of("tools",
							TOOLS.stream().map(t -> Map.of("name", t)).toList()))) + "\n\n").build();
		}
		Object body = Json.read(r.getBody().utf8());
		boolean initializing = body instanceof Map<?, ?> first && "initialize".equals(first.get("method"));
		if (requireSession && !initializing && !"session-1".equals(r.getHeaders().get("Mcp-Session-Id"))) {
			received.add(new Received("(no session)", null, authorization, r.getHeaders().get("Mcp-Session-Id"), r.getHeaders().get("MCP-Protocol-Version")));
			return new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json")
					.body("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Bad Request: No valid session ID provided\"}}").build();
		}
		boolean batch = body instanceof List<?>;
		List<?> messages = batch ? (List<?>) body : List.of(body);
		List<Object> answers = new ArrayList<>();
		for (Object o : messages) {
			Map<?, ?> m = (Map<?, ?>) o;
			String method = (String) m.get("method");
			String tool = "tools/call".equals(method) && m.get("params") instanceof Map<?, ?> p && p.get("name") instanceof String n ? n : null;
			received.add(new Received(method, tool, authorization, r.getHeaders().get("Mcp-Session-Id"), r.getHeaders().get("MCP-Protocol-Version")));
			if (!m.containsKey("id") || method == null) {
				continue;
			}
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("jsonrpc", "2.0");
			answer.put("id", m.get("id"));
			answer.put("result", switch (method) {
				case "initialize" -> Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of("tools", Map.of()), "serverInfo",
						Map.of("name", "fake", "version", "1"));
				case "tools/list" -> Map.of("tools", TOOLS.stream().map(t -> Map.of("name", t, "inputSchema", Map.of("type", "object"))).toList());
				case "tools/call" -> Map.of("content", List.of(Map.of("type", "text", "text", "called " + tool)));
				default -> Map.of();
			});
			answers.add(answer);
		}
		if (answers.isEmpty()) {
			return new MockResponse.Builder().code(202).build();
		}
		MockResponse.Builder response = new MockResponse.Builder().code(200).setHeader("Mcp-Session-Id", "session-1");
		if (alwaysSse || "sse".equals(r.getHeaders().get("X-Test-Answer"))) {
			StringBuilder events = new StringBuilder();
			for (Object a : answers) {
				events.append("event: message\ndata: ").append(Json.write(a)).append("\n\n");
			}
			return response.setHeader("Content-Type", "text/event-stream").body(events.toString()).build();
		}
		return response.setHeader("Content-Type", "application/json").body(Json.write(batch ? answers : answers.getFirst())).build();
	}

	private static String s256(String verifier) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.valueOf(verifier).getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static Map<String, String> form(String text) {
		Map<String, String> m = new LinkedHashMap<>();
		if (text == null || text.isEmpty()) {
			return m;
		}
		for (String pair : text.split("&")) {
			int eq = pair.indexOf('=');
			String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
			String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			m.put(k, v);
		}
		return m;
	}

	private static MockResponse json(int status, Map<String, ?> body) {
		return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(Json.write(body)).build();
	}

	@Override
	public void close() {
		server.close();
	}
}
