package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.secrets.SecretStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps each OAuth connection's access token fresh for the proxy. The hot path is a volatile read; a refresh
 * happens a minute before expiry, or once after the upstream rejected the token. Refreshes are single-flight
 * per connection: concurrent requests wait for the one refresh in progress and then use its token, so a
 * provider that rotates refresh tokens never sees the same one twice (which it would answer with
 * {@code invalid_grant}, killing the grant).
 */
public final class TokenManager {
	/** Refresh this long before the provider's expiry, so a request never leaves with a token about to die. */
	public static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
	/**
	 * A 401 for a token this fresh is not about the token's age (a path that always answers 401, an API-side
	 * permission): refreshing again would not help, and an agent could otherwise make the broker hammer the
	 * provider's token endpoint with one request after another.
	 */
	static final Duration NO_REFRESH_AFTER_REFRESH = Duration.ofSeconds(30);

	private final ConnectionService connections;
	private final SecretStore secrets;
	private final TokenEndpoint endpoint;
	private final Clock clock;
	private final ConcurrentMap<Long, Slot> slots = new ConcurrentHashMap<>();

	/** One connection's current tokens; {@code secretRef} identifies the sign-in they belong to. */
	private static final class Slot {
		final ReentrantLock lock = new ReentrantLock();
		volatile String secretRef;
		volatile TokenSet tokens;
		/** Set when the provider refused the grant; cleared by a new sign-in (a new secretRef). */
		volatile String deadReason;
		/** When this broker last got a new token for the slot; null before the first refresh. */
		volatile java.time.Instant refreshedAt;
	}

	public TokenManager(ConnectionService connections, SecretStore secrets, TokenEndpoint endpoint, Clock clock) {
		this.connections = connections;
		this.secrets = secrets;
		this.endpoint = endpoint;
		this.clock = clock;
	}

	/** The access token to send now, refreshed first when it is about to expire. */
	public String accessToken(Connection connection) {
		Slot slot = slot(connection);
		TokenSet tokens = slot.tokens;
		if (tokens != null && Objects.equals(slot.secretRef, connection.secretRef()) && slot.deadReason == null
				&& !tokens.expiresWithin(REFRESH_MARGIN, clock)) {
			return tokens.accessToken();
		}
		slot.lock.lock();
		try {
			tokens = current(slot, connection);
			if (!tokens.expiresWithin(REFRESH_MARGIN, clock)) {
				return tokens.accessToken();
			}
			return refresh(slot, connection, tokens).accessToken();
		} finally {
			slot.lock.unlock();
		}
	}

	/**
	 * The upstream answered 401 to {@code rejected}. If another request already refreshed, its token; otherwise
	 * one refresh now. Null when there is nothing better to try (no refresh token: the grant is gone).
	 */
	public String afterRejection(Connection connection, String rejected) {
		Slot slot = slot(connection);
		slot.lock.lock();
		try {
			TokenSet tokens = current(slot, connection);
			if (!tokens.accessToken().equals(rejected)) {
				return tokens.accessToken();
			}
			if (tokens.refreshToken() == null) {
				markDead(slot, connection, "The provider no longer accepts the access token and gave no refresh token.");
				return null;
			}
			if (slot.refreshedAt != null && clock.instant().isBefore(slot.refreshedAt.plus(NO_REFRESH_AFTER_REFRESH))) {
				return null;
			}
			return refresh(slot, connection, tokens).accessToken();
		} catch (AmkException e) {
			return null; // the 401 goes back to the agent as it was; a dead grant is already marked
		} finally {
			slot.lock.unlock();
		}
	}

	private Slot slot(Connection connection) {
		if (!connection.isOAuth()) {
			throw new IllegalArgumentException("not an OAuth connection: " + connection.name());
		}
		return slots.computeIfAbsent(connection.id(), id -> new Slot());
	}

	/** Under the lock: the slot's tokens, (re)loaded from the keychain when the connection was signed in anew. */
	private TokenSet current(Slot slot, Connection connection) {
		if (!Objects.equals(slot.secretRef, connection.secretRef())) {
			slot.tokens = TokenSet.fromJson(secrets.get(connection.secretRef()));
			slot.secretRef = connection.secretRef();
			slot.deadReason = null;
		}
		if (connection.oauth().needsReconnect() || slot.deadReason != null) {
			throw needsReauth(connection);
		}
		return slot.tokens;
	}

	private TokenSet refresh(Slot slot, Connection connection, TokenSet tokens) {
		if (tokens.refreshToken() == null) {
			if (tokens.expired(clock)) {
				markDead(slot, connection, "The access token expired and the provider gave no refresh token.");
				throw needsReauth(connection);
			}
			return tokens; // still valid for a little while; nothing to refresh with
		}
		String clientRef = connection.oauth().clientSecretRef();
		OAuthClient client = OAuthClient.of(connection, clientRef == null ? null : secrets.get(clientRef));
		TokenSet fresh;
		try {
			fresh = tokens.refreshedWith(endpoint.refresh(client, tokens.refreshToken()).tokens());
		} catch (OAuthException e) {
			if (e.grantIsDead()) {
				markDead(slot, connection, "The provider refused to refresh the sign-in (" + e.oauthError() + ").");
				throw needsReauth(connection);
			}
			return stillUsable(tokens, connection, e);
		} catch (AmkException e) {
			return stillUsable(tokens, connection, e);
		}
		// The keychain first: with a rotating provider the old refresh token is already dead, so the new one must
		// survive a restart. Memory next, so waiting requests proceed; the registry last (for display only).
		try {
			secrets.put(connection.secretRef(), fresh.toJson());
		} catch (AmkException e) {
			System.getLogger(TokenManager.class.getName()).log(System.Logger.Level.WARNING,
					"Could not save the refreshed sign-in of connection " + connection.name() + " to the keychain: " + e.getMessage());
		}
		slot.tokens = fresh;
		slot.refreshedAt = clock.instant();
		try {
			connections.recordRefresh(connection, fresh.scopes(), fresh.expiresAt());
		} catch (AmkException e) {
			System.getLogger(TokenManager.class.getName()).log(System.Logger.Level.WARNING,
					"Could not record the refresh of connection " + connection.name() + ": " + e.getMessage());
		}
		return fresh;
	}

	/** A refresh that failed for a passing reason (network, a 5xx): keep using the old token while it lasts. */
	private TokenSet stillUsable(TokenSet tokens, Connection connection, AmkException e) {
		if (!tokens.expired(clock)) {
			return tokens;
		}
		throw new AmkException(ErrorType.TOKEN_REFRESH_FAILED, "The access token of connection '" + connection.name() + "' expired and refreshing"
				+ " it failed: " + e.getMessage(), e);
	}

	private void markDead(Slot slot, Connection connection, String reason) {
		slot.deadReason = reason;
		try {
			connections.markNeedsReconnect(connection, reason);
		} catch (AmkException e) {
			System.getLogger(TokenManager.class.getName()).log(System.Logger.Level.WARNING,
					"Could not record that connection " + connection.name() + " needs reconnecting: " + e.getMessage());
		}
	}

	static AmkException needsReauth(Connection connection) {
		return new AmkException(ErrorType.CONNECTION_NEEDS_REAUTH, "The sign-in of connection '" + connection.name() + "' is no longer valid at "
				+ connection.provider().displayName() + ". Ask the person who runs the broker to reconnect it (the app's Reconnect button,"
				+ " or '" + (connection.provider().speaksMcp() ? "amk mcp add " : "amk connection connect ") + connection.name() + " --reconnect').");
	}

	/** Drops the in-memory tokens of connections that are gone. */
	public void retainOnly(java.util.Set<Long> liveConnectionIds) {
		slots.keySet().retainAll(liveConnectionIds);
	}
}
