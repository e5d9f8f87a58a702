package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.Caller;
import dev.amk.access.SnapshotBuilder;
import dev.amk.access.Target;
import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.CredentialSource;
import dev.amk.providers.Injection;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Against a loopback upstream: tracking, failures before the answer, and the one OAuth retry. */
class ForwarderTest {
	private static final String SECRET = "sk-first-0123456789";
	private static final String FRESH = "sk-fresh-0123456789";
	private static final String KEY = AgentKey.generate();
	private static final Duration NEVER = Duration.ofHours(1);

	private final AccessSnapshot snapshot = new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, "openai").build();
	private final Caller caller = SnapshotBuilder.callerOf(snapshot, KEY);
	private final Target target = new Target("openai", "GET", List.of("models"));
	private final AtomicInteger rejections = new AtomicInteger();
	private MockWebServer upstream;
	private OkHttpClient client;
	private InFlightRequests inFlight;
	private String refreshed;

	@BeforeEach
	void start() throws IOException {
		upstream = new MockWebServer();
		upstream.start();
		client = UpstreamClient.create(ProxySettings.defaults(0));
		inFlight = new InFlightRequests(Clock.systemUTC(), () -> snapshot, NEVER, NEVER, NEVER);
	}

	@AfterEach
	void stop() {
		if (inFlight != null) {
			inFlight.close();
		}
		if (upstream != null) {
			upstream.close();
		}
	}

	private Forwarder forwarder() {
		return new Forwarder(client, inFlight, new CredentialLookup(new CredentialSource() {
			@Override
			public String credentialFor(Connection connection) {
				return SECRET;
			}

			@Override
			public String afterRejection(Connection connection, String rejected) {
				rejections.incrementAndGet();
				return refreshed;
			}
		}));
	}

	private UpstreamRequest request(boolean replayable) {
		Connection connection = new Connection(1, "openai", null, upstream.url("/v1/"), new Injection.Header("Authorization", "Bearer {secret}"),
				"ref", Instant.EPOCH);
		return new UpstreamRequest(HttpFields.build().add("Authorization", "Bearer " + KEY), connection,
				List.of("models"), List.of(), KEY, "GET", null, replayable);
	}

	@Test
	@DisplayName("forwards with the real credential, tracks the request until the answer is closed, and masks that credential")
	void forwards() throws Exception {
		upstream.enqueue(new MockResponse.Builder().code(200).body("ok").build());
		try (Forwarder.Forwarded answer = forwarder().forward(request(false), SECRET, caller, target)) {
			assertEquals(200, answer.answer().code());
			assertEquals(1, inFlight.size());
			assertEquals(target, answer.entry().target);
			assertEquals("Bearer " + "*".repeat(SECRET.length()), answer.mask().mask("Bearer " + SECRET));
		}
		assertEquals(0, inFlight.size());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("Bearer " + SECRET, seen.getHeaders().get("Authorization"));
		assertEquals("/v1/models", seen.getUrl().encodedPath());
	}

	@Test
	@DisplayName("an OAuth 401 is retried once with the refreshed token, which the mask then covers")
	void oauthRetry() throws Exception {
		refreshed = FRESH;
		upstream.enqueue(new MockResponse.Builder().code(401).build());
		upstream.enqueue(new MockResponse.Builder().code(200).build());
		try (Forwarder.Forwarded answer = forwarder().forward(request(true), SECRET, caller, target)) {
			assertEquals(200, answer.answer().code());
			assertEquals(1, inFlight.size(), "only the retry is tracked");
			assertEquals("*".repeat(FRESH.length()), answer.mask().mask(FRESH));
		}
		assertEquals("Bearer " + SECRET, upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
		assertEquals("Bearer " + FRESH, upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
		assertEquals(0, inFlight.size());
	}

	@Test
	@DisplayName("a 401 is relayed as it is when the request is not replayable (API keys) or no better token exists")
	void noRetry() throws Exception {
		upstream.enqueue(new MockResponse.Builder().code(401).build());
		try (Forwarder.Forwarded answer = forwarder().forward(request(false), SECRET, caller, target)) {
			assertEquals(401, answer.answer().code());
		}
		assertEquals(0, rejections.get(), "an API key is never refreshed");
		refreshed = null;
		upstream.enqueue(new MockResponse.Builder().code(401).build());
		try (Forwarder.Forwarded answer = forwarder().forward(request(true), SECRET, caller, target)) {
			assertEquals(401, answer.answer().code());
		}
		assertEquals(1, rejections.get());
		assertEquals(2, upstream.getRequestCount());
	}

	@Test
	@DisplayName("an upstream that refuses connections: upstream_unreachable, and nothing stays tracked")
	void unreachable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		upstream.close();
		Connection connection = new Connection(1, "openai", null, okhttp3.HttpUrl.get("http://127.0.0.1:" + closedPort + "/"),
				new Injection.Header("Authorization", "Bearer {secret}"), "ref", Instant.EPOCH);
		var request = new UpstreamRequest(HttpFields.build(), connection, List.of(), List.of(), KEY, "GET", null, false);
		Refused refused = assertThrows(Refused.class, () -> forwarder().forward(request, SECRET, caller, target));
		assertEquals(ErrorType.UPSTREAM_UNREACHABLE, refused.refusal().type());
		assertEquals(0, inFlight.size());
		upstream = null;
	}

	@Test
	@DisplayName("access ending while the upstream thinks: the refusal is the re-check's (revoked_key), nothing stays tracked")
	void cutBeforeHeaders() throws Exception {
		upstream.enqueue(new MockResponse.Builder().code(200).headersDelay(1, TimeUnit.MINUTES).build());
		CompletableFuture<Forwarder.Forwarded> forwarding = CompletableFuture.supplyAsync(() -> {
			try {
				return forwarder().forward(request(false), SECRET, caller, target);
			} catch (Refused e) {
				throw new IllegalStateException(e);
			}
		});
		assertEquals("/v1/models", upstream.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath());
		inFlight.onSnapshot(new SnapshotBuilder().connection("openai").agent(1, "coder", KEY, Instant.EPOCH, null, "openai").build());
		ExecutionException failed = assertThrows(ExecutionException.class, () -> forwarding.get(10, TimeUnit.SECONDS));
		Refused refused = assertInstanceOf(Refused.class, failed.getCause().getCause());
		assertEquals(ErrorType.REVOKED_KEY, refused.refusal().type());
		assertEquals(0, inFlight.size());
	}
}
