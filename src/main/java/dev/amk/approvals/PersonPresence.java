package dev.amk.approvals;

/**
 * Proof that the person, not something acting for them, approved a request: asked by the app after "Approve" is
 * clicked and before the answer is given.
 *
 * <p>On Linux (and wherever nothing stronger exists) the click in the app's own dialog is the proof:
 * {@link #CLICK}. On macOS it is Touch ID or the login password ({@link dev.amk.approvals.mac.TouchIdPresence}, through
 * LocalAuthentication), blocking on the reply off the FX thread; anything but a confirmed authentication means "not
 * approved". The wiring picks one with {@link #forOs}.
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

	/**
	 * The proof for the OS named {@code osName} (as in {@code os.name}): {@code mac}'s on macOS, the click elsewhere.
	 *
	 * @param mac made only on macOS, where its native code can load
	 */
	static PersonPresence forOs(String osName, java.util.function.Supplier<PersonPresence> mac) {
		return osName != null && osName.toLowerCase(java.util.Locale.ROOT).startsWith("mac") ? mac.get() : CLICK;
	}
}
