package dev.amk.secrets;

import com.github.javakeyring.BackendNotSupportedException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import dev.amk.common.AmkException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OS keychain through java-keyring: macOS Keychain (JNA), the freedesktop Secret Service on Linux
 * (GNOME Keyring, KWallet) over D-Bus, Windows Credential Manager.
 *
 * <p>Every call runs with a deadline: a locked Secret Service collection waits for an unlock prompt that may
 * never come (a server, an SSH session), and a command that hangs forever is worse than one that says why.
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

	public KeyringSecretStore(String service, Duration deadline) {
		this.service = service;
		this.deadline = deadline;
	}

	@Override
	public void put(String ref, String secret) {
		call(() -> {
			keyring().setPassword(service, ref, secret);
			return null;
		});
	}

	@Override
	public String get(String ref) {
		return call(() -> {
			Keyring k = keyring();
			try {
				String secret = k.getPassword(service, ref);
				if (secret == null) {
					throw SecretStoreErrors.missing(ref);
				}
				return secret;
			} catch (PasswordAccessException e) {
				// java-keyring reports "no such item" and "access refused" with the same exception;
				// a keychain that refuses everything is caught when it is opened, so this is the missing item.
				throw SecretStoreErrors.missing(ref);
			}
		});
	}

	@Override
	public void delete(String ref) {
		call(() -> {
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
			return call(() -> switch (keyring().getKeyringStorageType()) {
				case OSX_KEYCHAIN, LEGACY_OSX_KEYCHAIN -> "macOS Keychain";
				case GNOME_KEYRING -> "Secret Service (GNOME Keyring)";
				case KWALLET -> "KWallet";
				case WINDOWS_CREDENTIAL_STORE -> "Windows Credential Manager";
			});
		} catch (AmkException e) {
			return "unavailable";
		}
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

	private <T> T call(Callable<T> action) {
		Future<T> result = worker.submit(action);
		try {
			return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
		} catch (TimeoutException e) {
			result.cancel(true);
			throw SecretStoreErrors.locked("no answer within " + deadline.toSeconds() + " s", e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AmkException("interrupted", "Interrupted while waiting for the keychain.", e);
		} catch (ExecutionException e) {
			Throwable cause = e.getCause();
			if (cause instanceof AmkException amk) {
				throw amk;
			}
			// The keychain was reachable (opening it would have failed otherwise) but refused this operation:
			// in practice a locked collection whose unlock prompt could not be shown or was dismissed.
			// Never include the library's message, which may quote attributes we passed.
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
