package dev.amk.approvals;

/**
 * Proof that the person, not something acting for them, approved a request: asked by the app after "Approve" is
 * clicked and before the answer is given.
 *
 * <p>On Linux (and wherever nothing stronger exists) the click in the app's own dialog is the proof:
 * {@link #CLICK}. On macOS an implementation would call LocalAuthentication through JNA: {@code LAContext
 * evaluatePolicy:LAPolicyDeviceOwnerAuthentication localizedReason:"approve …" reply:} (Touch ID, falling back to
 * the login password), blocking on the reply off the FX thread; a {@code false} reply or an error means "not
 * approved". Not built yet: the approval sheet already asks through this interface, so it is one class and one line
 * in the wiring.
 */
@FunctionalInterface
public interface PersonPresence {
	/** The app's own dialog is the proof (Linux, and any platform without a stronger check). */
	PersonPresence CLICK = reason -> true;

	/**
	 * Asks the person to prove they are present, for {@code reason} ("Approve POST /repos/… for research-bot"). May
	 * block; never call on the FX thread.
	 *
	 * @return whether they did
	 */
	boolean confirm(String reason);
}
