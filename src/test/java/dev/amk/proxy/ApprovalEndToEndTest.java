package dev.amk.proxy;

import dev.amk.approvals.ApprovalService;
import dev.amk.testing.BrokerFixture;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.amk.testing.BrokerFixture.errorType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Approval rules end to end: a real broker and upstream, an agent with {@code openai} plus
 * {@code openai:ask:POST:/chat/**}, and a stand-in for the app attached to the real ApprovalService. The upstream must
 * receive nothing before the answer.
 */
class ApprovalEndToEndTest {
	@StartStop
	final MockWebServer upstream = new MockWebServer();

	@TempDir
	Path home;

	final MutableClock clock = new MutableClock(Instant.now());
	final BlockingQueue<ApprovalService.Pending> asked = new LinkedBlockingQueue<>();
	final ApprovalService.Answerer app = new ApprovalService.Answerer() {
		@Override
		public void asked(ApprovalService.Pending request) {
			asked.add(request);
		}

		@Override
		public void settled(long id) {
		}
	};
	BrokerFixture broker;
	ApprovalService approvals;
	String key;

	@BeforeEach
	void start() {
		broker = BrokerFixture.start(home, clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
		broker.addConnection("openai", "openai", upstream.url("/v1").toString(), "sk-proj-approvaltest-secret-0123456789");
		key = broker.createAgent("coder", "openai", "openai:ask:POST:/chat/**");
		approvals = broker.broker.services().approvals();
	}

	@AfterEach
	void stop() throws Exception {
		Teardown.closeAll(broker);
	}

	private CompletableFuture<HttpResponse<String>> postAsync(String body) {
		return broker.http.sendAsync(HttpRequest.newBuilder(broker.url("/openai/chat/completions")).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private ApprovalService.Pending awaitAsked() throws InterruptedException {
		ApprovalService.Pending p = asked.poll(10, TimeUnit.SECONDS);
		assertNotNull(p, "the app was asked");
		return p;
	}

	@Test
	@DisplayName("approved: held with nothing sent upstream until the answer, then forwarded with its body; the app saw a readable summary")
	void approved() throws Exception {
		approvals.attach(app);
		var response = postAsync("{\"model\":\"gpt-5\",\"api_key\":\"hunter2hunter2\"}");
		ApprovalService.Pending p = awaitAsked();
		assertEquals("coder", p.agent());
		assertEquals("openai", p.connection());
		assertEquals("POST", p.method());
		assertEquals("/chat/completions", p.path());
		assertTrue(p.bodySummary().contains("gpt-5"), p.bodySummary());
		assertFalse(p.bodySummary().contains("hunter2"), p.bodySummary());
		assertEquals(0, upstream.getRequestCount(), "nothing reaches the upstream before the answer");
		upstream.enqueue(new MockResponse.Builder().body("{\"ok\":true}").build());
		approvals.answer(p.id(), ApprovalService.Answer.APPROVE_ONCE);
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(200, answered.statusCode(), answered.body());
		RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
		assertEquals("{\"model\":\"gpt-5\",\"api_key\":\"hunter2hunter2\"}", seen.getBody().utf8());
	}

	@Test
	@DisplayName("a request the ask rule does not cover goes straight through under the grant")
	void notCovered() {
		approvals.attach(app);
		upstream.enqueue(new MockResponse.Builder().body("[]").build());
		HttpResponse<String> models = broker.get("/openai/models", "Authorization", "Bearer " + key);
		assertEquals(200, models.statusCode());
		assertTrue(asked.isEmpty());
	}

	@Test
	@DisplayName("denied: 403 approval_denied, the upstream received nothing")
	void denied() throws Exception {
		approvals.attach(app);
		var response = postAsync("{}");
		approvals.answer(awaitAsked().id(), ApprovalService.Answer.DENY);
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(403, answered.statusCode());
		assertEquals("approval_denied", errorType(answered));
		assertEquals(0, upstream.getRequestCount());
		assertEquals("approval_denied", broker.broker.auditStore().recent(null, 1).getFirst().reason());
	}

	@Test
	@DisplayName("no answer within 60 s: 403 approval_timeout, the upstream received nothing")
	void timedOut() throws Exception {
		approvals.attach(app);
		var response = postAsync("{}");
		awaitAsked();
		clock.advance(Duration.ofSeconds(61));
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(403, answered.statusCode());
		assertEquals("approval_timeout", errorType(answered));
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("the app closed while the request waited: refused, the upstream received nothing")
	void appClosed() throws Exception {
		approvals.attach(app);
		var response = postAsync("{}");
		awaitAsked();
		approvals.detach(app);
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(403, answered.statusCode());
		assertEquals("approval_denied", errorType(answered));
		assertTrue(answered.body().contains("app closed"), answered.body());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("revoked while held: refused as revoked, the upstream received nothing")
	void revokedWhileHeld() throws Exception {
		approvals.attach(app);
		var response = postAsync("{}");
		awaitAsked();
		assertEquals(0, broker.cli("agent", "revoke", "coder").exit());
		HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
		assertEquals(401, answered.statusCode(), answered.body());
		assertEquals("revoked_key", errorType(answered));
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("headless serve (no app attached): refused at once, saying to run the app")
	void headless() throws Exception {
		HttpResponse<String> answered = postAsync("{}").get(10, TimeUnit.SECONDS);
		assertEquals(403, answered.statusCode());
		assertEquals("approval_denied", errorType(answered));
		assertTrue(answered.body().contains("amk app"), answered.body());
		assertEquals(0, upstream.getRequestCount());
	}

	@Test
	@DisplayName("amk agent list shows the ask rule beside the grant on the same connection")
	void listed() {
		BrokerFixture.CliResult list = broker.cli("agent", "list");
		assertTrue(list.out().contains("openai (ask before POST on /chat/**)"), list.out());
	}
}
