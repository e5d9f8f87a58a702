package dev.amk.secrets;

import com.github.javakeyring.BackendNotSupportedException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OS keychain through java-keyring: the macOS Keychain through jkeychain's JNI library (osxkeychain.so, the
 * legacy SecKeychain API; java-keyring 1.0.4's "OSX_KEYCHAIN" backend, ModernOsxKeychainBackend, is that, not
 * JNA), the freedesktop Secret Service on Linux (GNOME Keyring, KWallet) over D-Bus, Windows Credential Manager.
 *
 * <p>Calls run with a deadline on Linux and Windows: a locked Secret Service collection waits for an unlock prompt
 * that may never come (a server, an SSH session), and a command that hangs forever is worse than one that says
 * why. Not on macOS: there a read may wait on the Keychain's "wants to use your confidential information" prompt,
 * which the person answers when they see it (a deadline turned an unanswered prompt into a failure), and where no
 * prompt can be shown (over SSH) the Keychain refuses at once instead of waiting.
 */
public final class KeyringSecretStore implements SecretStore, AutoCloseable {
	public static final String DEFAULT_SERVICE = "Agent Master Key";

	private final String service;
	private final Duration deadline;
	private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "amk-keychain");
		t.setDaemon(true);
		return t;
	});
	private Keyring keyring;

	/** @param deadline how long a call may take; ignored on macOS (see the class comment) */
	public KeyringSecretStore(String service, Duration deadline) {
		this.service = service;
		this.deadline = effectiveDeadline(deadline, System.getProperty("os.name", ""));
	}

	/** {@code requested}, or null (wait as long as the person takes) on macOS. */
	static Duration effectiveDeadline(Duration requested, String osName) {
		return osName.toLowerCase(java.util.Locale.ROOT).startsWith("mac") ? null : requested;
	}

	@Override
	public void put(String ref, String secret) {
		call(ref, () -> {
			keyring().setPassword(service, ref, secret);
			return null;
		});
	}

	@Override
	public String get(String ref) {
		return call(ref, () -> {
			Keyring k = keyring();
			try {
				String secret = k.getPassword(service, ref);
				if (secret == null) {
					throw SecretStoreErrors.missing(ref);
				}
				return secret;
			} catch (PasswordAccessException e) {
				throw readFailure(ref, e);
			}
		});
	}

	@Override
	public void delete(String ref) {
		call(ref, () -> {
			try {
				keyring().deletePassword(service, ref);
			} catch (PasswordAccessException e) {
				// already gone: deleting is idempotent
			}
			return null;
		});
	}

	@Override
	public String description() {
		try {
			return call(null, () -> switch (keyring().getKeyringStorageType()) {
				case OSX_KEYCHAIN, LEGACY_OSX_KEYCHAIN -> "macOS Keychain";
				case GNOME_KEYRING -> "Secret Service (GNOME Keyring)";
				case KWALLET -> "KWallet";
				case WINDOWS_CREDENTIAL_STORE -> "Windows Credential Manager";
			});
		} catch (AmkException e) {
			return "unavailable";
		}
	}

	/**
	 * java-keyring reports "no such item" and "access refused" with the same exception; only its message tells
	 * them apart. Every backend words a missing item "No stored credentials match …" (java-keyring 1.0.4:
	 * ModernOsxKeychainBackend when jkeychain finds nothing, FreedesktopKeyringBackend); anything else is the
	 * keychain refusing, on macOS "Failed to get credential. …" when the person denied or dismissed the prompt, or
	 * no prompt could be shown. Saying "may have been deleted" then would send them to re-enter a secret that is
	 * still there. The library's message is only matched, never passed on (it quotes the item's attributes).
	 */
	static AmkException readFailure(String ref, PasswordAccessException e) {
		String message = e.getMessage();
		return message != null && message.startsWith("No stored credentials match") ? SecretStoreErrors.missing(ref) : SecretStoreErrors.denied(ref);
	}

	private synchronized Keyring keyring() {
		if (keyring == null) {
			try {
				keyring = Keyring.create();
			} catch (BackendNotSupportedException e) {
				throw SecretStoreErrors.unavailable(describeEnvironment(), e);
			}
		}
		return keyring;
	}

	/** Runs {@code action} on the keychain thread; {@code ref} (null if none) names the item in errors. */
	private <T> T call(String ref, Callable<T> action) {
		Future<T> result = worker.submit(action);
		try {
			return deadline == null ? result.get() : result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
		} catch (TimeoutException e) {
			result.cancel(true);
			throw SecretStoreErrors.locked("no answer within " + deadline.toSeconds() + " s", e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AmkException(ErrorType.INTERRUPTED, "Interrupted while waiting for the keychain.", e);
		} catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof AmkException amk) {
				throw amk;
			}
			// The keychain was reachable (opening it would have failed otherwise) but refused this operation: on
			// Linux in practice a locked collection whose unlock prompt could not be shown or was dismissed; on macOS
			// a denied or dismissed access prompt (a Keychain is unlocked with the login session).
			// Never include the library's message, which may quote attributes we passed.
			if (deadline == null && cause instanceof PasswordAccessException) { // macOS (no deadline there)
				throw SecretStoreErrors.denied(ref);
			}
			throw SecretStoreErrors.locked(cause instanceof PasswordAccessException ? "access refused" : "the operation failed: "
					+ cause.getClass().getSimpleName(), cause);
		}
	}

	private static String describeEnvironment() {
		String os = System.getProperty("os.name", "");
		if (os.startsWith("Linux") && System.getenv("DBUS_SESSION_BUS_ADDRESS") == null) {
			return "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set";
		}
		return "no supported keychain answered on " + os;
	}

	@Override
	public synchronized void close() {
		if (keyring != null) {
			try {
				keyring.close();
			} catch (Exception ignored) {
				// closing the D-Bus connection at exit; nothing left to protect
			}
			keyring = null;
		}
		worker.shutdownNow();
	}
}
