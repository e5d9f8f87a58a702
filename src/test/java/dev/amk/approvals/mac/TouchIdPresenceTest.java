package dev.amk.approvals.mac;

import dev.amk.approvals.PersonPresence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What can be checked without a Mac: which proof each OS gets, and that only a confirmed authentication approves. */
class TouchIdPresenceTest {

	@ParameterizedTest
	@CsvSource({"Mac OS X, true", "mac os x, true", "Linux, false", "Windows 11, false", "FreeBSD, false"})
	@DisplayName("PersonPresence.forOs: Touch ID on macOS only; elsewhere the click, and the Mac one is never even made")
	void selection(String os, boolean mac) {
		TouchIdPresence touchId = new TouchIdPresence((reason, wait) -> TouchIdPresence.Outcome.CONFIRMED);
		PersonPresence chosen = PersonPresence.forOs(os, () -> {
			if (!mac) {
				throw new AssertionError("the macOS proof was made on " + os);
			}
			return touchId;
		});
		assertSame(mac ? touchId : PersonPresence.CLICK, chosen);
	}

	@Test
	@DisplayName("the reason shown is the one the app asked with; confirmed approves")
	void confirmed() {
		AtomicReference<String> shown = new AtomicReference<>();
		assertTrue(new TouchIdPresence((reason, wait) -> {
			shown.set(reason);
			return TouchIdPresence.Outcome.CONFIRMED;
		}).confirm("approve POST /repos/acme/api/merges for research-bot"));
		assertEquals("approve POST /repos/acme/api/merges for research-bot", shown.get());
	}

	@ParameterizedTest
	@CsvSource({"NOT_CONFIRMED", "TIMED_OUT"})
	@DisplayName("cancelled, failed or timed out: not approved")
	void notConfirmed(TouchIdPresence.Outcome outcome) {
		assertFalse(new TouchIdPresence((reason, wait) -> outcome).confirm("approve"));
	}

	@Test
	@DisplayName("fails closed when LocalAuthentication cannot even be asked: a missing framework, a JNA failure, a bug")
	void failsClosed() {
		for (Throwable t : new Throwable[] {new UnsatisfiedLinkError("no LocalAuthentication"), new NoClassDefFoundError("com/sun/jna/Native"),
				new IllegalStateException("the Objective-C class LAContext is not there"), new java.util.concurrent.ExecutionException(null)}) {
			assertFalse(new TouchIdPresence((reason, wait) -> {
				throw t;
			}).confirm("approve"), t.toString());
		}
	}

	@Test
	@DisplayName("interrupted while waiting: not approved, and the thread stays interrupted")
	void interrupted() {
		try {
			assertFalse(new TouchIdPresence((reason, wait) -> {
				throw new InterruptedException();
			}).confirm("approve"));
			assertTrue(Thread.currentThread().isInterrupted());
		} finally {
			Thread.interrupted();
		}
	}

	@Test
	@DisplayName("the wait outlasts a held request (60 s), so the request's own timeout ends first")
	void waitsLongerThanARequestIsHeld() {
		assertTrue(TouchIdPresence.WAIT.compareTo(dev.amk.approvals.ApprovalService.DEFAULT_TIMEOUT) > 0);
	}
}
