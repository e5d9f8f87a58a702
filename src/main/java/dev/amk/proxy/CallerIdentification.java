package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.Caller;
import dev.amk.access.Refusal;
import dev.amk.agents.AgentKey;
import dev.amk.common.ErrorType;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Who is calling: the agent whose key the request presented, found by the key's hash. The key's shape and
 * checksum are checked first, so that a typo is answered without a look-up. Whether that agent may still act
 * (revoked, expired) is {@link dev.amk.access.Authorisation}'s question, asked again while a request runs.
 */
final class CallerIdentification {
	private static final String UNKNOWN_KEY_MESSAGE = "This key was not issued by this broker, or it was rotated or deleted."
			+ " Ask the owner for a current key.";
	private CallerIdentification() {
	}

	/** @param presentedKey the agent key as the front door found it, or null when the request carried none */
	static Caller identify(String presentedKey, AccessSnapshot snapshot) throws Refused {
		if (presentedKey == null) {
			throw Refused.of(ErrorType.INVALID_KEY, "No agent key was sent. Send your amk_ key as the API key"
					+ " (Authorization: Bearer, x-api-key, x-goog-api-key, api-key, Basic password or ?key=; on a WebSocket also the"
					+ " subprotocol openai-insecure-api-key.KEY).");
		}
		switch (AgentKey.shape(presentedKey)) {
			case MALFORMED -> throw Refused.of(ErrorType.INVALID_KEY, "The key is not an Agent Master Key key (amk_ followed by 49 letters"
					+ " and digits). Use the key that 'amk agent create' printed.");
			case BAD_CHECKSUM -> throw Refused.of(ErrorType.INVALID_KEY, "The key's checksum does not match: it was mistyped or truncated."
					+ " Copy it again, or issue a new one with 'amk agent rotate NAME'.");
			case VALID -> {
			}
		}
		byte[] presentedHash = AgentKey.sha256(presentedKey);
		String hexHash = HexFormat.of().formatHex(presentedHash);
		AccessSnapshot.AgentEntry entry = snapshot.agentByKeyHash(hexHash);
		// The map look-up compares hashes, which tell nothing about the key; the final comparison is constant-time anyway.
		boolean known = entry != null && MessageDigest.isEqual(entry.keyHash(), presentedHash);
		if (!known || snapshot.isDecoy(entry.agent().id())) {
			// A decoy is answered exactly as an unknown key (same type, message and path to here): whoever holds it must
			// not learn that it tripped an alarm. Only the audit row, and so the person, hear the difference.
			Refusal unknown = new Refusal(ErrorType.UNKNOWN_KEY, UNKNOWN_KEY_MESSAGE);
			throw known ? Refused.decoyUsed(unknown, new Caller(entry, hexHash)) : new Refused(unknown);
		}
		return new Caller(entry, hexHash);
	}
}
