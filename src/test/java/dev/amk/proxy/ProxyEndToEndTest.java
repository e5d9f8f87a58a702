package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy end to end: real broker, in-memory keychain, real sockets, a real loopback upstream. Each test
 * checks what the upstream actually received, not only what the agent got back.
 */
class ProxyEndToEndTest {
	private static final String OPENAI_SECRET = "sk-proj-UPSTREAMSECRET0123456789abcdef";
	private static final String ANTHROPIC_SECRET = "sk-ant-api03-UPSTREAMSECRET-anthropic";

	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	BrokerFixture broker;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	private String upstreamBase() {
		return upstream.url("/").toString();
	}

	private static void assertNoAgentKeyAnywhere(RecordedRequest r) {
		assertFalse(r.getTarget().contains("amk_"), "agent key in the upstream request target: " + r.getTarget());
		for (var h : r.getHeaders()) {
			assertFalse(h.getSecond().contains("amk_"), "agent key in upstream header " + h.getFirst());
		}
	}

	@Test
	@DisplayName("OpenAI style: Bearer amk_ key in, the real key out as Bearer, response back unchanged")
	void openAiBearer() throws Exception {
		broker.addConnection("openai", "openai", upstreamBase() + "v1", OPENAI_SECRET);
		String key = broker.createAgent("coder", "openai");
		upstream.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
				.addHeader("x-request-id", "req_123").body("{\"object\":\"list\"}").build());

		HttpResponse<String> response = broker.send(HttpRequest.newBuilder(broker.url("/openai/v1/chat/completions?stream=false"))
				.header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5\"}")).build());

		assertEquals(200, response.statusCode());
		assertEquals("{\"object\":\"list\"}", response.body());
		assertEquals("req_123", response.headers().firstValue("x-request-id").orElseThrow());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertNotNull(seen);
		assertEquals("POST", seen.getMethod());
		assertEquals("/v1/v1/chat/completions?stream=false", seen.getTarget(), "base URL path + rest of path + query");
		assertEquals("Bearer " + OPENAI_SECRET, seen.getHeaders().get("Authorization"));
		assertEquals("{\"model\":\"gpt-5\"}", seen.getBody().utf8());
		assertEquals("application/json", seen.getHeaders().get("Content-Type"));
		assertNoAgentKeyAnywhere(seen);
	}

	@Test
	@DisplayName("Anthropic style: x-api-key swapped, the client's anthropic-version passed through")
	void anthropicApiKey() throws Exception {
		broker.addConnection("anthropic", "anthropic", upstreamBase(), ANTHROPIC_SECRET);
		String key = broker.createAgent("claude", "anthropic");
		upstream.enqueue(new MockResponse.Builder().body("{}").build());

		HttpResponse<String> response = broker.send(HttpRequest.newBuilder(broker.url("/anthropic/v1/messages"))
				.header("x-api-key", key).header("anthropic-version", "2023-06-01")
				.POST(HttpRequest.BodyPublishers.ofString("{}")).build());

		assertEquals(200, response.statusCode());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals(ANTHROPIC_SECRET, seen.getHeaders().get("x-api-key"));
		assertEquals("2023-06-01", seen.getHeaders().get("anthropic-version"));
		assertNull(seen.getHeaders().get("Authorization"));
		assertNoAgentKeyAnywhere(seen);
	}

	@Test
	@DisplayName("Gemini style: ?key=amk_ removed from the query, the real key sent as x-goog-api-key")
	void geminiQueryKey() throws Exception {
		broker.addConnection("gemini", "gemini", upstreamBase(), "AIzaSyUPSTREAMSECRETgemini000");
		String key = broker.createAgent("gem", "gemini");
		upstream.enqueue(new MockResponse.Builder().body("{}").build());

		HttpResponse<String> response = broker.send(HttpRequest.newBuilder(
				broker.url("/gemini/v1beta/models/gemini-2.5-pro:generateContent?alt=sse&key=" + key)).POST(HttpRequest.BodyPublishers.ofString("{}")).build());

		assertEquals(200, response.statusCode());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1beta/models/gemini-2.5-pro:generateContent?alt=sse", seen.getTarget());
		assertEquals("AIzaSyUPSTREAMSECRETgemini000", seen.getHeaders().get("x-goog-api-key"));
		assertNoAgentKeyAnywhere(seen);
	}

	@Test
	@DisplayName("Octokit style: 'Authorization: token amk_' in, Bearer with the real token out")
	void githubTokenScheme() throws Exception {
		broker.addConnection("github", "github", upstreamBase(), "ghp_UPSTREAMSECRETgithub0000000000000");
		String key = broker.createAgent("octo", "github");
		upstream.enqueue(new MockResponse.Builder().body("{\"login\":\"octocat\"}").build());

		HttpResponse<String> response = broker.get("/github/user", "Authorization", "token " + key);

		assertEquals(200, response.statusCode());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer ghp_UPSTREAMSECRETgithub0000000000000", seen.getHeaders().get("Authorization"));
		assertNoAgentKeyAnywhere(seen);
	}

	@Test
	@DisplayName("custom connections: a header template, a query parameter, HTTP Basic")
	void customInjections() throws Exception {
		broker.addConnection("hdr", "custom", upstreamBase() + "api", "s3cr3t-header", "--header", "X-Api-Token", "--format", "Token {secret}");
		broker.addConnection("qry", "custom", upstreamBase(), "s3cr3t-query", "--query-param", "api_key");
		broker.addConnection("bas", "custom", upstreamBase(), "s3cr3t-basic", "--basic-user", "svc");
		String key = broker.createAgent("multi", "hdr", "qry", "bas");
		for (int i = 0; i < 3; i++) {
			upstream.enqueue(new MockResponse.Builder().body("ok").build());
		}
		String basicWithKey = "Basic " + Base64.getEncoder().encodeToString(("x:" + key).getBytes());

		assertEquals(401, broker.get("/hdr/items?x=1", "X-Api-Token", "client-chosen-value").statusCode(),
				"a request without the agent key is refused");
		assertEquals(200, broker.get("/hdr/items?x=1", "api-key", key).statusCode());
		RecordedRequest h = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/api/items?x=1", h.getTarget());
		assertEquals("Token s3cr3t-header", h.getHeaders().get("X-Api-Token"));
		assertNoAgentKeyAnywhere(h);

		assertEquals(200, broker.get("/qry/search?api_key=forged&q=a%20b", "Authorization", "Bearer " + key).statusCode());
		RecordedRequest q = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/search?q=a%20b&api_key=s3cr3t-query", q.getTarget(), "the client's own api_key is replaced, other parameters kept as sent");

		assertEquals(200, broker.get("/bas/thing", "Authorization", basicWithKey).statusCode());
		RecordedRequest b = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Basic " + Base64.getEncoder().encodeToString("svc:s3cr3t-basic".getBytes()), b.getHeaders().get("Authorization"));
		assertNoAgentKeyAnywhere(b);
	}

	@Test
	@DisplayName("a read grant gets 200 on GET and 403 scope_denied on DELETE, with nothing sent upstream")
	void readPreset() throws Exception {
		broker.addConnection("github", "github", upstreamBase(), "ghp_secret");
		String key = broker.createAgent("research-bot", "github:read");
		upstream.enqueue(new MockResponse.Builder().body("[]").build());

		assertEquals(200, broker.get("/github/repos/acme/api/issues", "Authorization", "Bearer " + key).statusCode());
		HttpResponse<String> delete = broker.send(HttpRequest.newBuilder(broker.url("/github/repos/acme/api"))
				.header("Authorization", "Bearer " + key).DELETE().build());

		assertEquals(403, delete.statusCode());
		assertEquals("scope_denied", errorType(delete));
		assertTrue(delete.body().contains("read-only") && delete.body().contains("DELETE"), delete.body());
		assertEquals("application/json", delete.headers().firstValue("Content-Type").orElseThrow());
		assertEquals(1, upstream.getRequestCount(), "only the GET reached the upstream");
	}

	@Test
	@DisplayName("custom method and path rules: only the granted paths pass")
	void customRule() {
		broker.addConnection("github", "github", upstreamBase(), "ghp_secret");
		String key = broker.createAgent("triage", "github:GET,POST:/repos/acme/*/issues/**");
		upstream.enqueue(new MockResponse.Builder().code(201).body("{}").build());

		HttpResponse<String> ok = broker.send(HttpRequest.newBuilder(broker.url("/github/repos/acme/api/issues/7/comments"))
				.header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
		HttpResponse<String> otherOrg = broker.get("/github/repos/evilcorp/api/issues", "Authorization", "Bearer " + key);

		assertEquals(201, ok.statusCode());
		assertEquals(403, otherOrg.statusCode());
		assertEquals("scope_denied", errorType(otherOrg));
		assertEquals(1, upstream.getRequestCount());
	}

	@Test
	@DisplayName("deny by default: an agent without a grant for the connection can do nothing")
	void noGrantNoAccess() {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		broker.addConnection("github", "github", upstreamBase(), "ghp_secret");
		String onlyGithub = broker.createAgent("gh-only", "github");
		String nothing = broker.createAgent("idle");

		HttpResponse<String> a = broker.get("/openai/v1/models", "Authorization", "Bearer " + onlyGithub);
		HttpResponse<String> b = broker.get("/github/user", "Authorization", "Bearer " + nothing);

		assertEquals(403, a.statusCode());
		assertEquals("scope_denied", errorType(a));
		assertEquals(403, b.statusCode());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("unknown, malformed, bad-checksum and missing keys get 401; an unknown connection 404")
	void keyErrors() {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String key = broker.createAgent("coder", "openai");
		char last = key.charAt(key.length() - 1);
		String badChecksum = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
		String unknown = dev.amk.agents.AgentKey.generate();

		assertEquals("invalid_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer amk_short")));
		assertEquals("invalid_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + badChecksum)));
		assertEquals("invalid_key", errorType(broker.get("/openai/v1/models", "Authorization", "Bearer " + OPENAI_SECRET)));
		assertEquals("invalid_key", errorType(broker.get("/openai/v1/models", "Accept", "application/json")));
		HttpResponse<String> unknownKey = broker.get("/openai/v1/models", "Authorization", "Bearer " + unknown);
		assertEquals(401, unknownKey.statusCode());
		assertEquals("unknown_key", errorType(unknownKey));
		HttpResponse<String> noSuchConnection = broker.get("/opneai/v1/models", "Authorization", "Bearer " + key);
		assertEquals(404, noSuchConnection.statusCode(), noSuchConnection.body());
		assertEquals("unknown_connection", errorType(noSuchConnection));
		assertFalse(noSuchConnection.body().contains(key), "errors never echo the key");
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("two different agent keys in one request are refused rather than guessed between")
	void conflictingKeys() {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String a = broker.createAgent("a", "openai");
		String b = broker.createAgent("b", "openai");

		HttpResponse<String> r = broker.send(HttpRequest.newBuilder(broker.url("/openai/v1/models"))
				.header("Authorization", "Bearer " + a).header("x-api-key", b).GET().build());

		assertEquals(400, r.statusCode());
		assertEquals("bad_request", errorType(r));
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("the broker asks for identity whatever the agent accepts; a gzip answer sent anyway arrives decompressed, so it could be masked")
	void gzipDecompressed() throws Exception {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String key = broker.createAgent("coder", "openai");
		Buffer gz = new Buffer();
		try (GZIPOutputStream out = new GZIPOutputStream(gz.outputStream())) {
			out.write("{\"compressed\":true}".getBytes());
		}
		upstream.enqueue(new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body(gz).build());

		HttpResponse<byte[]> r = broker.http.send(HttpRequest.newBuilder(broker.url("/openai/v1/models"))
				.header("Authorization", "Bearer " + key).header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());

		assertTrue(r.headers().firstValue("Content-Encoding").isEmpty());
		assertEquals("{\"compressed\":true}", new String(r.body()));
		assertEquals("identity", upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Accept-Encoding"));
	}

	@Test
	@DisplayName("without Accept-Encoding the broker asks for identity, so nothing is silently decompressed")
	void noTransparentGzip() throws Exception {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String key = broker.createAgent("coder", "openai");
		upstream.enqueue(new MockResponse.Builder().body("plain").build());

		broker.get("/openai/v1/models", "Authorization", "Bearer " + key);

		assertEquals("identity", upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Accept-Encoding"));
	}

	@Test
	@DisplayName("every request, allowed or denied, becomes one audit row with the contract's fields")
	void auditRows() throws Exception {
		broker.addConnection("github", "github", upstreamBase(), "ghp_secret");
		String key = broker.createAgent("research-bot", "github:read");
		upstream.enqueue(new MockResponse.Builder().body("[1,2,3]").build());
		broker.get("/github/repos/acme/api/issues?state=open", "Authorization", "Bearer " + key);
		broker.send(HttpRequest.newBuilder(broker.url("/github/repos/acme/api")).header("Authorization", "Bearer " + key).DELETE().build());
		broker.get("/github/user", "Authorization", "Bearer amk_nope");
		broker.broker.auditLog().close(); // flushes: what a clean stop guarantees

		BrokerFixture.CliResult result = broker.cli("audit", "--json");
		assertEquals(0, result.exit(), result.err());
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> rows = (List<Map<String, Object>>) dev.amk.common.Json.read(result.out());
		assertEquals(3, rows.size());
		Map<String, Object> invalid = rows.get(0);
		Map<String, Object> denied = rows.get(1);
		Map<String, Object> allowed = rows.get(2);
		assertNull(invalid.get("agent"));
		assertEquals("invalid_key", invalid.get("reason"));
		assertEquals("research-bot", denied.get("agent"));
		assertEquals("denied", denied.get("decision"));
		assertEquals("scope_denied", denied.get("reason"));
		assertEquals(403, ((Number) denied.get("status")).intValue());
		assertEquals("allowed", allowed.get("decision"));
		assertEquals("github", allowed.get("connection"));
		assertEquals("GET", allowed.get("method"));
		assertEquals("/repos/acme/api/issues", allowed.get("path"), "no query string");
		assertEquals(200, ((Number) allowed.get("status")).intValue());
		assertEquals(7L, ((Number) allowed.get("bytes_out")).longValue());
		assertTrue(((String) allowed.get("time")).endsWith("Z"));
		assertNotNull(allowed.get("latency_ms"));
		assertFalse(result.out().contains("amk_nope") || result.out().contains(key) || result.out().contains("ghp_secret"));
	}

	@Test
	@DisplayName("an upstream that echoes the real key has it masked, same length, in headers and body")
	void echoedSecretIsMasked() throws Exception {
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String key = broker.createAgent("coder", "openai");
		String body = "{\"error\":\"Incorrect API key provided: " + OPENAI_SECRET + "\"}";
		upstream.enqueue(new MockResponse.Builder().code(401).addHeader("X-Debug", "key=" + OPENAI_SECRET).body(body).build());

		HttpResponse<String> r = broker.get("/openai/v1/models", "Authorization", "Bearer " + key);

		String stars = "*".repeat(OPENAI_SECRET.length());
		assertEquals(401, r.statusCode());
		assertEquals(body.replace(OPENAI_SECRET, stars), r.body());
		assertEquals("key=" + stars, r.headers().firstValue("X-Debug").orElseThrow());
		assertEquals(String.valueOf(body.length()), r.headers().firstValue("Content-Length").orElseThrow());
	}

	@Test
	@DisplayName("an upstream that is down gets a quick 502 upstream_unreachable, and the broker keeps serving")
	void upstreamDown() throws Exception {
		int deadPort;
		try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			deadPort = s.getLocalPort();
		}
		broker.addConnection("dead", "custom", "http://127.0.0.1:" + deadPort, "s", "--header", "X-Key");
		broker.addConnection("openai", "openai", upstreamBase(), OPENAI_SECRET);
		String key = broker.createAgent("coder", "dead", "openai");
		upstream.enqueue(new MockResponse.Builder().body("alive").build());

		HttpResponse<String> r = broker.get("/dead/x", "Authorization", "Bearer " + key);

		assertEquals(502, r.statusCode());
		assertEquals("upstream_unreachable", errorType(r));
		assertEquals("alive", broker.get("/openai/x", "Authorization", "Bearer " + key).body());
	}
}
