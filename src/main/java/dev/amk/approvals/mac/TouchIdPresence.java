package dev.amk.approvals.mac;

import dev.amk.approvals.PersonPresence;

import java.time.Duration;

/**
 * Approval on macOS asks the person for Touch ID, or their login password (LocalAuthentication's
 * {@code LAPolicyDeviceOwnerAuthentication}): a click that something else on the machine could fake is not enough to
 * let a held request through.
 *
 * <p>Fails closed: only a confirmed authentication approves. A cancel, a wrong password, no answer in time, an error from
 * LocalAuthentication, or the framework not loading at all each mean "not approved"; the request stays held until the
 * person tries again, denies it or it times out.
 */
public final class TouchIdPresence implements PersonPresence {
	private static final System.Logger LOG = System.getLogger(TouchIdPresence.class.getName());
	/** Longer than a request is held (60 s): the held request's own timeout ends the wait first. */
	static final Duration WAIT = Duration.ofSeconds(90);

	/** What asking LocalAuthentication came to. */
	enum Outcome {
		/** The person authenticated. */
		CONFIRMED,
		/** They cancelled, failed, or LocalAuthentication refused (its error code is logged, never the reason text). */
		NOT_CONFIRMED,
		/** No reply within {@link #WAIT}; the prompt was withdrawn. */
		TIMED_OUT
	}

	/** The native call, a seam so the mapping can be tested where there is no LocalAuthentication. */
	interface Authenticator {
		/**
		 * Shows the system's prompt with {@code reason} and waits for the person, at most {@code wait}.
		 *
		 * @throws Throwable anything: the framework missing, JNA failing to link, a bug in the binding
		 */
		Outcome authenticate(String reason, Duration wait) throws Throwable;
	}

	private final Authenticator authenticator;

	/** Through LocalAuthentication; nothing native is loaded until the first approval. */
	public TouchIdPresence() {
		this(LocalAuthentication::authenticate);
	}

	// visible for testing
	TouchIdPresence(Authenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public boolean confirm(String reason) {
		try {
			Outcome outcome = authenticator.authenticate(reason, WAIT);
			if (outcome != Outcome.CONFIRMED) {
				LOG.log(System.Logger.Level.INFO, "Approval not confirmed with Touch ID or the login password: " + outcome);
			}
			return outcome == Outcome.CONFIRMED;
		} catch (Throwable t) { // fail closed on anything, UnsatisfiedLinkError and bugs included: the request stays held
			if (t instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			LOG.log(System.Logger.Level.WARNING, "Touch ID / login password could not be asked (" + t.getClass().getSimpleName() + ": "
					+ t.getMessage() + "); nothing was approved.");
			return false;
		}
	}
}
