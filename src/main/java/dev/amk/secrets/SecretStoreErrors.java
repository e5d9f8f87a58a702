package dev.amk.secrets;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

/** The errors every secret store reports, worded once so that the CLI and the proxy say the same thing. */
public final class SecretStoreErrors {
	private SecretStoreErrors() {
	}

	public static AmkException unavailable(String detail, Throwable cause) {
		return new AmkException(ErrorType.KEYCHAIN_UNAVAILABLE, "No OS keychain is reachable (" + detail + "). Agent Master Key keeps real secrets"
				+ " only in the keychain and never falls back to a file. On macOS, log in to a desktop session; on Linux, run a Secret"
				+ " Service provider such as gnome-keyring or KWallet in your session and unlock it; on Windows, use Credential Manager.", cause);
	}

	public static AmkException locked(String detail, Throwable cause) {
		return new AmkException(ErrorType.KEYCHAIN_LOCKED, "The OS keychain did not give access (" + detail + "). It is probably locked:"
				+ " unlock it (log in again, or open your keyring manager) and try again.", cause);
	}

	public static AmkException missing(String ref) {
		return new AmkException(ErrorType.SECRET_MISSING, "The keychain holds no secret for this connection (item " + ref + ")."
				+ " It may have been deleted outside Agent Master Key: add the connection again with its secret.");
	}

	/** The keychain holds the item but would not hand it over: a denied or dismissed prompt, or none could be shown. */
	public static AmkException denied(String ref) {
		return new AmkException(ErrorType.KEYCHAIN_DENIED, "The OS keychain denied access to a connection's secret" + (ref == null ? "" : " (item " + ref + ")") + ":"
				+ " access was refused at the keychain's prompt, or no prompt could be shown. Try again and allow access when asked;"
				+ " on macOS, \"Always Allow\" keeps it allowed for this app. Over SSH, unlock the keychain first"
				+ " ('security unlock-keychain' on macOS).");
	}
}
