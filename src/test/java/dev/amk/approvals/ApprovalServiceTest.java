package dev.amk.approvals;

import dev.amk.testing.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApprovalServiceTest {
	final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
	final ApprovalService service = new ApprovalService(clock, ApprovalService.DEFAULT_TIMEOUT);
	final BlockingQueue<ApprovalService.Pending> asked = new LinkedBlockingQueue<>();
	final List<Long> settled = new CopyOnWriteArrayList<>();
	final ApprovalService.Answerer app = new ApprovalService.Answerer() {
		@Override
		public void asked(ApprovalService.Pending request) {
			asked.add(request);
		}

		@Override
		public void settled(long id) {
			settled.add(id);
		}
	};

	private CompletableFuture<ApprovalService.Outcome> request(String rule, AtomicBoolean abandoned) {
		return CompletableFuture.supplyAsync(() -> service.await(7, "coder", "github", "PUT", "/repos/a/b/pulls/1/merge", rule, "(no body)",
				abandoned::get, () -> { }), r -> Thread.ofVirtual().start(r));
	}

	private ApprovalService.Pending nextAsked() throws InterruptedException {
		ApprovalService.Pending p = asked.poll(5, TimeUnit.SECONDS);
		assertNotNull(p, "the app was asked");
		return p;
	}

	@Test
	@DisplayName("without an app nobody can answer: refused at once, nobody asked")
	void noApp() {
		assertEquals(ApprovalService.Outcome.NO_APP, service.await(1, "a", "c", "POST", "/x", "ask:*:/**", "", () -> false, () -> { }));
	}

	@Test
	@DisplayName("approve once: this request goes on, the next one is asked again")
	void approveOnce() throws Exception {
		service.attach(app);
		var first = request("ask:PUT:/repos/**", new AtomicBoolean());
		ApprovalService.Pending p = nextAsked();
		assertEquals("coder", p.agent());
		assertEquals(List.of(p), service.pending());
		service.answer(p.id(), ApprovalService.Answer.APPROVE_ONCE);
		assertEquals(ApprovalService.Outcome.APPROVED, first.get(5, TimeUnit.SECONDS));
		assertEquals(List.of(p.id()), settled);
		var second = request("ask:PUT:/repos/**", new AtomicBoolean());
		service.answer(nextAsked().id(), ApprovalService.Answer.DENY);
		assertEquals(ApprovalService.Outcome.DENIED, second.get(5, TimeUnit.SECONDS));
	}

	@Test
	@DisplayName("approve for 10 minutes: the same rule passes unasked until the window ends; another rule is still asked")
	void approveForTenMinutes() throws Exception {
		service.attach(app);
		var first = request("ask:PUT:/repos/**", new AtomicBoolean());
		service.answer(nextAsked().id(), ApprovalService.Answer.APPROVE_10_MINUTES);
		assertEquals(ApprovalService.Outcome.APPROVED, first.get(5, TimeUnit.SECONDS));
		clock.advance(Duration.ofMinutes(9));
		assertEquals(ApprovalService.Outcome.APPROVED, request("ask:PUT:/repos/**", new AtomicBoolean()).get(5, TimeUnit.SECONDS));
		assertTrue(asked.isEmpty());
		var other = request("ask:DELETE:/repos/**", new AtomicBoolean());
		service.answer(nextAsked().id(), ApprovalService.Answer.DENY);
		assertEquals(ApprovalService.Outcome.DENIED, other.get(5, TimeUnit.SECONDS));
		clock.advance(Duration.ofMinutes(2));
		var later = request("ask:PUT:/repos/**", new AtomicBoolean());
		service.answer(nextAsked().id(), ApprovalService.Answer.DENY);
		assertEquals(ApprovalService.Outcome.DENIED, later.get(5, TimeUnit.SECONDS));
	}

	@Test
	@DisplayName("no answer by the deadline (the injected clock's): timed out")
	void timeout() throws Exception {
		service.attach(app);
		var waiting = request("ask:*:/**", new AtomicBoolean());
		ApprovalService.Pending p = nextAsked();
		assertEquals(p.askedAt().plus(ApprovalService.DEFAULT_TIMEOUT), p.deadline());
		clock.advance(Duration.ofSeconds(61));
		assertEquals(ApprovalService.Outcome.TIMED_OUT, waiting.get(5, TimeUnit.SECONDS));
		assertTrue(service.pending().isEmpty());
		service.answer(p.id(), ApprovalService.Answer.APPROVE_ONCE); // too late: changes nothing
	}

	@Test
	@DisplayName("the app closing refuses what waits; a request that ends meanwhile is abandoned")
	void appClosedAndAbandoned() throws Exception {
		service.attach(app);
		AtomicBoolean cut = new AtomicBoolean();
		var abandoned = request("ask:*:/**", cut);
		nextAsked();
		cut.set(true);
		assertEquals(ApprovalService.Outcome.ABANDONED, abandoned.get(5, TimeUnit.SECONDS));
		var waiting = request("ask:*:/**", new AtomicBoolean());
		nextAsked();
		service.detach(app);
		assertEquals(ApprovalService.Outcome.APP_CLOSED, waiting.get(5, TimeUnit.SECONDS));
		assertEquals(ApprovalService.Outcome.NO_APP, request("ask:*:/**", new AtomicBoolean()).get(5, TimeUnit.SECONDS));
	}
}
