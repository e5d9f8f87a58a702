package dev.amk.proxy;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --host-map}: real curl with {@code HTTPS_PROXY} and {@code --cacert $(amk ca path)} reaches a plain-HTTP loopback
 * upstream through an intercepted {@code api.openai.com}; the upstream sees the real key and never {@code amk_}.
 * Nothing here resolves api.openai.com: the map is the only way there.
 */
class HostMapTest {
	private static final String SECRET = "sk-proj-REALSECRET0123456789abcdef";

	@TempDir
	Path home;
	MockWebServer upstream;
	BrokerFixture broker;

	@BeforeEach
	void start() throws Exception {
		upstream = new MockWebServer();
		upstream.start(InetAddress.getLoopbackAddress(), 0);
		broker = BrokerFixture.start(home, settings -> settings);
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
		upstream.close();
	}

	private String upstreamUrl() {
		return "http://127.0.0.1:" + upstream.getPort();
	}

	private void addOpenAi(String... maps) {
		List<String> args = new ArrayList<>(List.of("connection", "add", "openai", "--provider", "openai"));
		for (String m : maps) {
			args.add("--host-map");
			args.add(m);
		}
		BrokerFixture.CliResult r = broker.cliWithStdin(SECRET + "\n", args.toArray(String[]::new));
		assertEquals(0, r.exit(), r.err());
		broker.awaitRegistry(s -> s.connection("openai") != null);
	}

	@Test
	@DisplayName("curl via HTTPS_PROXY to api.openai.com lands on the mapped loopback upstream with the real key; the base-URL route follows the map too")
	void curlReachesMappedUpstream() throws Exception {
		addOpenAi("api.openai.com=" + upstreamUrl());
		String key = broker.createAgent("coder", "openai");
		upstream.enqueue(new MockResponse.Builder().body("{\"data\":[]}").build());
		upstream.enqueue(new MockResponse.Builder().body("{\"data\":[1]}").build());

		Curl r = curl(key, "-H", "Authorization: Bearer placeholder", "https://api.openai.com/v1/models");
		assertEquals(0, r.exit(), r.err());
		assertEquals("{\"data\":[]}\n200", r.out());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/v1/models", seen.getTarget());
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"));
		assertFalse(seen.getHeaders().toString().contains("amk_"), seen.getHeaders().toString());

		var viaRoute = broker.get("/openai/v1/models", "Authorization", "Bearer " + key);
		assertEquals(200, viaRoute.statusCode(), viaRoute.body());
		assertEquals("/v1/models", upstream.takeRequest(5, TimeUnit.SECONDS).getTarget());
	}

	@Test
	@DisplayName("a mapped host outside the provider's own (GitHub Enterprise style) is intercepted for the connection; a path prefix is kept")
	void mappedHostIsOwned() throws Exception {
		addOpenAi("llm.corp.example=" + upstreamUrl() + "/prefix");
		String key = broker.createAgent("coder", "openai");
		upstream.enqueue(new MockResponse.Builder().body("ok").build());
		Curl r = curl(key, "https://llm.corp.example/v1/chat");
		assertEquals(0, r.exit(), r.err());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("/prefix/v1/chat", seen.getTarget());
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"));
	}

	@Test
	@DisplayName("amk connection list shows the maps, in text and JSON")
	void listShowsMaps() {
		addOpenAi("api.openai.com=" + upstreamUrl(), "*.openai.azure.com=https://eu.example.com");
		BrokerFixture.CliResult text = broker.cli("connection", "list");
		assertTrue(text.out().contains("api.openai.com → " + upstreamUrl()), text.out());
		assertTrue(text.out().contains("*.openai.azure.com → https://eu.example.com"), text.out());
		@SuppressWarnings("unchecked")
		Map<String, Object> first = ((List<Map<String, Object>>) dev.amk.common.Json.read(broker.cli("connection", "list", "--json")
				.out())).getFirst();
		assertEquals(Map.of("api.openai.com", upstreamUrl() + "/", "*.openai.azure.com", "https://eu.example.com/"), first.get("host_maps"));
	}

	@ParameterizedTest
	@ValueSource(strings = {"api.openai.com", "=http://127.0.0.1:1", "169.254.169.254=https://x.example.com", "localhost=https://x.example.com",
			"api.openai.com=http://example.com", "api.openai.com=ftp://x", "*.com=https://x.example.com", "api.openai.com:443=https://x.example.com",
			"api.openai.com=https://user:pw@x.example.com"})
	@DisplayName("a bad --host-map is refused before anything is stored")
	void badMapsRefused(String map) {
		BrokerFixture.CliResult r = broker.cliWithStdin(SECRET + "\n", "connection", "add", "openai", "--provider", "openai", "--host-map", map);
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("--host-map"), r.err());
		assertEquals(List.of(), dev.amk.common.Json.read(broker.cli("connection", "list", "--json").out()), "nothing stored");
		assertTrue(broker.secrets.items.keySet().stream().noneMatch(k -> k.startsWith("connection/")), "no keychain item left behind");
	}

	@Test
	@DisplayName("the same host mapped twice is refused")
	void duplicateRefused() {
		BrokerFixture.CliResult r = broker.cliWithStdin(SECRET + "\n", "connection", "add", "openai", "--provider", "openai",
				"--host-map", "api.openai.com=https://a.example.com", "--host-map", "API.openai.com=https://b.example.com");
		assertNotEquals(0, r.exit());
		assertTrue(r.err().contains("mapped twice"), r.err());
	}

	record Curl(int exit, String out, String err) {
	}

	private Curl curl(String proxyKey, String... args) throws Exception {
		boolean found = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
				.anyMatch(dir -> Files.isExecutable(Path.of(dir, "curl")));
		Assumptions.assumeTrue(found, "curl is not installed");
		BrokerFixture.CliResult ca = broker.cli("ca", "path");
		assertEquals(0, ca.exit(), ca.err());
		List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", "--cacert", ca.out().strip()));
		cmd.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
		pb.environment().put("HTTPS_PROXY", "http://coder:" + proxyKey + "@127.0.0.1:" + broker.port());
		Path err = Files.createTempFile(home, "curl", ".err");
		pb.redirectError(err.toFile());
		Process p = pb.start();
		String out;
		try (InputStream in = p.getInputStream()) {
			out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		return new Curl(p.exitValue(), out, Files.readString(err));
	}
}
