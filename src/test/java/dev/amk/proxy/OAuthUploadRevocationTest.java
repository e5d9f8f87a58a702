package dev.amk.proxy;

import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.MutableClock;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OAuth request body is read in full before forwarding (for a retry after a refresh). An agent revoked
 * while that body is still arriving must not have it forwarded: the request is tracked before its body is
 * read, and authorised again afterwards.
 */
class OAuthUploadRevocationTest {
	private static final String CLIENT_ID = "amk-test-client";

	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
	final OkHttpClient browserHttp = new OkHttpClient.Builder().followRedirects(true).build();
	FakeAuthorizationServer provider;
	BrokerFixture broker;

	@BeforeEach
	void start() {
		provider = FakeAuthorizationServer.start().registerClient(CLIENT_ID, null);
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(10), Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		broker.close();
		provider.close();
	}

	private boolean followLikeABrowser(String url) {
		try (okhttp3.Response ignored = browserHttp.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
			return true;
		} catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	private Function<ProviderSpec, OAuthProfile> profiles() {
		return p -> p == Providers.GITHUB ? Providers.oauthOf(p).at(provider.authorizeUrl(), provider.tokenUrl(), provider.deviceAuthorizationUrl(),
				provider.revokeUrl()) : Providers.oauthOf(p);
	}

	@Test
	@DisplayName("an agent revoked while its buffered OAuth upload arrives gets 401 revoked_key, and nothing is forwarded")
	void revokedDuringBufferedUpload() throws Exception {
		new OAuthConnector(broker.broker.connections(), broker.broker.secrets(), broker.broker.tokenEndpoint(), this::followLikeABrowser, clock,
				Duration.ofSeconds(30), profiles())
				.prepare(new OAuthConnector.Request("gh", Providers.GITHUB, CLIENT_ID, null, null, null, null, null, null, provider.apiBaseUrl(),
						false, true, false))
				.run(new OAuthConnector.Progress() {
				});
		broker.awaitRegistry(s -> s.connection("gh") != null);
		String key = broker.createAgent("bot", "gh");
		int callsBefore = provider.apiCalls();
		try (Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /gh/repos/acme/app/issues HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port() + "\r\nAuthorization: Bearer " + key
					+ "\r\nContent-Type: application/json\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{\"title\":").getBytes(StandardCharsets.UTF_8));
			out.flush();
			assertEquals(0, broker.cli("agent", "revoke", "bot").exit());
			broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("bot") && a.agent().revokedAt() != null));
			out.write("\"hello\"}".getBytes(StandardCharsets.UTF_8));
			out.write("   ".getBytes(StandardCharsets.UTF_8));
			out.flush();
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
			assertTrue(answer.contains("revoked_key"), answer);
		}
		assertEquals(callsBefore, provider.apiCalls(), "the upload was forwarded after the revocation");
	}
}
