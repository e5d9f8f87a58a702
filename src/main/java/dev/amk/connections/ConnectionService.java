package dev.amk.connections;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.InvalidInput;
import dev.amk.common.Names;
import dev.amk.db.Database;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.secrets.SecretStore;
import okhttp3.HttpUrl;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Adds, lists and removes connected accounts, keeping the registry row and the keychain item in step:
 * the secret is written to the keychain before the row that points at it, and removed after it. Each committed
 * change tells the after-commit listener before the method goes on.
 */
public final class ConnectionService {
	private final Database db;
	private final SecretStore secrets;
	private final Clock clock;
	private final TokenRevoker revoker;
	private final Runnable afterCommit;
	private final ConnectionRepository repository = new ConnectionRepository();

	public ConnectionService(Database db, SecretStore secrets, Clock clock) {
		this(db, secrets, clock, TokenRevoker.NONE);
	}

	public ConnectionService(Database db, SecretStore secrets, Clock clock, TokenRevoker revoker) {
		this(db, secrets, clock, revoker, () -> { });
	}

	/**
	 * @param afterCommit runs after each committed change, on the thread that made it and before the keychain items
	 *                    the change replaced are removed: in the broker process it reloads the access registry, so
	 *                    the proxy applies the change first. It must not throw: the change is committed whatever
	 *                    it does.
	 */
	public ConnectionService(Database db, SecretStore secrets, Clock clock, TokenRevoker revoker, Runnable afterCommit) {
		this.db = db;
		this.secrets = secrets;
		this.clock = clock;
		this.revoker = revoker;
		this.afterCommit = afterCommit;
	}

	/** What a person asks for; null fields take the provider's defaults. */
	public record NewConnection(String name, ProviderSpec provider, String baseUrl, Injection injection) {
	}

	/** A connection with the names of the agents that may use it. */
	public record Listed(Connection connection, List<String> agents) {
	}

	/**
	 * An OAuth connection to create. {@code oauth.clientSecretRef()} is ignored: the service files the client
	 * secret itself. A null {@code baseUrl} takes the provider's default.
	 */
	public record NewOAuthConnection(String name, ProviderSpec provider, String baseUrl, OAuthDetails oauth) {
	}

	/** What removing a connection did: the connection as it was, the agents that lost it, and whether the provider forgot its tokens. */
	public record Removed(Connection connection, List<String> agents, TokenRevoker.Outcome revocation) {
	}

	/** Where a pasted-key connection's secret goes: its upstream root and how the secret is put into requests. */
	public record Upstream(HttpUrl baseUrl, Injection injection) {
	}

	/**
	 * The upstream a new connection would have, with the provider's defaults for empty fields; the rules
	 * {@link #add} applies, for a caller that tries a key before saving it (the Test button).
	 *
	 * @throws InvalidInput for a provider that signs in instead, a custom API without a base URL or injection, or an unusable URL
	 */
	public static Upstream upstreamOf(NewConnection request) {
		ProviderSpec provider = request.provider();
		if (!provider.takesApiKey()) {
			throw new InvalidInput(Field.PROVIDER, Problem.CONFLICT, provider.displayName() + " connects by signing in, not with a pasted key:"
					+ " amk connection connect " + request.name() + " --provider " + provider.id() + " --client-id ID (in the app: its Connect button).");
		}
		boolean given = request.baseUrl() != null && !request.baseUrl().isBlank();
		String baseUrlText = given ? request.baseUrl() : provider.defaultBaseUrl();
		if (baseUrlText == null && provider.speaksMcp()) {
			throw new InvalidInput(Field.BASE_URL, Problem.MISSING, "Give the MCP server's address: its endpoint, often ending in /mcp,"
					+ " for example https://mcp.example.com/mcp.");
		}
		if (baseUrlText == null) {
			throw new InvalidInput(Field.BASE_URL, Problem.MISSING, w -> "A custom connection needs " + w.name(Field.BASE_URL)
					+ ", the root of the API, for example https://api.example.com/v1.");
		}
		HttpUrl baseUrl = BaseUrls.parse(baseUrlText);
		Injection injection = request.injection() != null ? request.injection() : provider.defaultInjection();
		if (injection == null) {
			throw new InvalidInput(Field.HEADER, Problem.MISSING, w -> "Say how the custom API takes its key: " + w.name(Field.HEADER)
					+ ", " + w.name(Field.QUERY_PARAMETER) + ", or " + w.name(Field.BASIC_USER) + ".");
		}
		return new Upstream(baseUrl, injection);
	}

	public Connection add(NewConnection request, String secret) {
		return add(request, secret, List.of());
	}

	/**
	 * A pasted-key connection with {@link HostMap}s, stored in the same transaction.
	 *
	 * @throws InvalidInput for two maps of the same host, besides {@link #upstreamOf}'s rules
	 */
	public Connection add(NewConnection request, String secret, List<HostMap> hostMaps) {
		HostMap.requireDistinct(hostMaps);
		String name = Names.requireValid("connection", request.name());
		ProviderSpec provider = request.provider();
		Upstream upstream = upstreamOf(request);
		HttpUrl baseUrl = upstream.baseUrl();
		Injection injection = upstream.injection();
		requireUsableSecret(secret, injection);
		db.read(c -> {
			if (repository.byName(c, name).isPresent()) {
				throw new AmkException(ErrorType.ALREADY_EXISTS, "A connection named '" + name + "' already exists. Pick another name,"
						+ " or replace its secret with 'amk connection set-secret " + name + "'.");
			}
			return null;
		});
		String ref = newSecretRef();
		try {
			long id = withNewSecrets(Map.of(ref, secret), c -> {
				long inserted = repository.insert(c, name, provider, baseUrl, injection, ref, clock.instant());
				repository.replaceHostMaps(c, inserted, hostMaps);
				return inserted;
			});
			return new Connection(id, name, provider, baseUrl, injection, ref, clock.instant(), null, hostMaps);
		} catch (RuntimeException e) {
			throw nameTakenOr(name, e);
		}
	}

	/** Replaces the secret; the broker picks up the new one at once, in-flight requests finish with the old. */
	public void setSecret(String name, String secret) {
		Connection existing = get(name);
		requireUsableSecret(secret, existing.injection());
		String ref = newSecretRef();
		withNewSecrets(Map.of(ref, secret), c -> {
			repository.updateSecretRef(c, existing.id(), ref);
			return null;
		});
		secrets.delete(existing.secretRef());
	}

	/**
	 * Replaces a connection's host maps ({@code amk connection connect --host-map}, which signs in first): a running
	 * broker sends the hosts to their new upstreams from the next request.
	 */
	public Connection setHostMaps(String name, List<HostMap> hostMaps) {
		HostMap.requireDistinct(hostMaps);
		Connection existing = get(name);
		commit(c -> {
			repository.replaceHostMaps(c, existing.id(), hostMaps);
			return null;
		});
		return get(name);
	}

	/** Fails early, before a browser sign-in, when the name is unusable or taken. */
	public void requireNewName(String name) {
		Names.requireValid("connection", name);
		if (db.read(c -> repository.byName(c, name)).isPresent()) {
			throw new AmkException(ErrorType.ALREADY_EXISTS, "A connection named '" + name + "' already exists. Pick another name, or sign in"
					+ " again to it with --reconnect (the app: its Reconnect button).");
		}
	}

	/**
	 * Stores a freshly signed-in OAuth connection: token set and client secret into the keychain first, then the
	 * rows that point at them, in one transaction; on failure the keychain items go again.
	 */
	public Connection addOAuth(NewOAuthConnection request, String tokenSetJson, String clientSecret) {
		String name = Names.requireValid("connection", request.name());
		ProviderSpec provider = request.provider();
		String baseUrlText = request.baseUrl() != null ? request.baseUrl() : provider.defaultBaseUrl();
		if (baseUrlText == null) {
			throw new InvalidInput(Field.BASE_URL, Problem.MISSING, w -> "A generic OAuth connection needs " + w.name(Field.BASE_URL)
					+ ", the root of the API the tokens are for, for example https://api.example.com.");
		}
		var baseUrl = BaseUrls.parse(baseUrlText);
		Injection injection = provider.defaultInjection();
		requireNewName(name);
		String ref = newSecretRef();
		String clientRef = clientSecret == null ? null : newSecretRef();
		OAuthDetails oauth = withClientSecretRef(request.oauth(), clientRef);
		try {
			long id = withNewSecrets(oauthItems(ref, tokenSetJson, clientRef, clientSecret), c -> {
				long inserted = repository.insert(c, name, provider, baseUrl, injection, ref, clock.instant());
				repository.insertOAuth(c, inserted, oauth, clock.instant());
				return inserted;
			});
			return new Connection(id, name, provider, baseUrl, injection, ref, clock.instant(), oauth);
		} catch (RuntimeException e) {
			throw nameTakenOr(name, e);
		}
	}

	/**
	 * Replaces an OAuth connection's tokens (and client, scopes, endpoints) after a new sign-in; grants stay.
	 * New keychain items are written first and the old ones removed last, so a running broker switches over
	 * between two requests.
	 */
	public Connection reconnectOAuth(String name, OAuthDetails oauth, String tokenSetJson, String clientSecret) {
		Connection existing = get(name);
		if (!existing.isOAuth()) {
			throw new InvalidInput(Field.NAME, Problem.CONFLICT, "'" + name + "' is connected with an API key; replace it with 'amk connection set-secret " + name + "'.");
		}
		String ref = newSecretRef();
		String clientRef = clientSecret == null ? null : newSecretRef();
		OAuthDetails details = withClientSecretRef(oauth, clientRef);
		withNewSecrets(oauthItems(ref, tokenSetJson, clientRef, clientSecret), c -> {
			repository.updateSecretRef(c, existing.id(), ref);
			repository.replaceOAuth(c, existing.id(), details, clock.instant());
			return null;
		});
		secrets.delete(existing.secretRef());
		if (existing.oauth().clientSecretRef() != null) {
			secrets.delete(existing.oauth().clientSecretRef());
		}
		return get(name);
	}

	/** After a refresh: the new expiry and scopes, for the app and the CLI to show. Clears "needs reconnect". */
	public void recordRefresh(Connection connection, List<String> scopesGranted, java.time.Instant accessExpiresAt) {
		commit(c -> {
			repository.updateOAuthGrant(c, connection.id(), scopesGranted, accessExpiresAt, clock.instant());
			return null;
		});
	}

	/** The provider refused the grant: agents get {@code connection_needs_reauth} until the person signs in again. */
	public void markNeedsReconnect(Connection connection, String detail) {
		commit(c -> {
			repository.markNeedsReconnect(c, connection.id(), detail, clock.instant());
			return null;
		});
	}

	/**
	 * Files new keychain items first, then makes the registry change that points at them, in one transaction. If
	 * anything fails, the items filed so far go again, so the keychain never keeps a secret nothing points at.
	 * Removing the items the change replaced is the caller's, once the change is in.
	 */
	private <T> T withNewSecrets(Map<String, String> items, Database.SqlWork<T> change) {
		List<String> filed = new ArrayList<>();
		T result;
		try {
			for (Map.Entry<String, String> item : items.entrySet()) {
				secrets.put(item.getKey(), item.getValue());
				filed.add(item.getKey());
			}
			result = db.inTransaction(change);
		} catch (RuntimeException e) {
			filed.forEach(secrets::delete);
			throw e;
		}
		afterCommit.run(); // outside the try: once committed, the items are the registry's, whatever the listener does
		return result;
	}

	private <T> T commit(Database.SqlWork<T> change) {
		T result = db.inTransaction(change);
		afterCommit.run();
		return result;
	}

	/** The token set, and the client secret when there is one, in the order they are filed. */
	private static Map<String, String> oauthItems(String ref, String tokenSetJson, String clientRef, String clientSecret) {
		Map<String, String> items = new LinkedHashMap<>();
		items.put(ref, tokenSetJson);
		if (clientRef != null) {
			items.put(clientRef, clientSecret);
		}
		return items;
	}

	/** A UNIQUE failure on insert means the name was taken between the check and the insert. */
	private static RuntimeException nameTakenOr(String name, RuntimeException e) {
		if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
			return new AmkException(ErrorType.ALREADY_EXISTS, "A connection named '" + name + "' already exists.", e);
		}
		return e;
	}

	private static OAuthDetails withClientSecretRef(OAuthDetails o, String clientRef) {
		return new OAuthDetails(o.authorizeUrl(), o.tokenUrl(), o.deviceUrl(), o.revokeUrl(), o.clientId(), clientRef, o.clientAuth(),
				o.scopesRequested(), o.scopesGranted(), o.identity(), o.accessExpiresAt(), o.status(), o.statusDetail());
	}

	public List<Listed> list() {
		return db.read(c -> {
			var result = new java.util.ArrayList<Listed>();
			for (Connection conn : repository.all(c)) {
				result.add(new Listed(conn, repository.agentsUsing(c, conn.id())));
			}
			return result;
		});
	}

	public Connection get(String name) {
		return db.read(c -> repository.byName(c, name))
				.orElseThrow(() -> AmkException.notFound("connection", name, "See 'amk connection list'."));
	}

	/**
	 * Removes the connection and its grants, then its keychain items. An OAuth connection's tokens are first
	 * revoked at the provider where it supports that (RFC 7009), so that a copy of them is worthless too.
	 */
	public Removed remove(String name) {
		Connection existing = get(name);
		TokenRevoker.Outcome revocation = TokenRevoker.Outcome.NOT_SUPPORTED;
		if (existing.isOAuth()) {
			revocation = revokeQuietly(existing);
		}
		List<String> affected = commit(c -> {
			List<String> agents = repository.agentsUsing(c, existing.id());
			repository.delete(c, existing.id());
			return agents;
		});
		secrets.delete(existing.secretRef());
		if (existing.isOAuth() && existing.oauth().clientSecretRef() != null) {
			secrets.delete(existing.oauth().clientSecretRef());
		}
		return new Removed(existing, affected, revocation);
	}

	private TokenRevoker.Outcome revokeQuietly(Connection existing) {
		try {
			String clientRef = existing.oauth().clientSecretRef();
			return revoker.revoke(existing, secrets.get(existing.secretRef()), clientRef == null ? null : secrets.get(clientRef));
		} catch (AmkException e) {
			return TokenRevoker.Outcome.FAILED; // a missing keychain item must not keep the person from removing the connection
		}
	}

	/**
	 * The secret a connection can hold: not empty, on one line, and sendable the way {@code injection} sends it.
	 * Saving and the Test button apply this same rule, so a key that tests is a key that saves.
	 */
	public static void requireUsableSecret(String secret, Injection injection) {
		if (secret == null || secret.isEmpty()) {
			throw new InvalidInput(Field.SECRET, Problem.MISSING, w -> "The secret is empty. Give the key in " + w.name(Field.SECRET) + ".");
		}
		if (secret.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
			throw new InvalidInput(Field.SECRET, Problem.MALFORMED, w -> "The secret contains a line break or NUL."
					+ " Check that " + w.name(Field.SECRET) + " holds just the key.");
		}
		// Header values are ASCII on the wire: catch a mis-pasted key now rather than fail every request later. A query
		// parameter is percent-encoded, but a control character (DEL included) there is still a mis-paste.
		boolean header = !(injection instanceof Injection.Query);
		if (secret.chars().anyMatch(ch -> Injection.isControl(ch) || (header && ch > 0x7e))) {
			throw new InvalidInput(Field.SECRET, Problem.UNSAFE, w -> "The secret contains characters that cannot be sent "
					+ (header ? "in an HTTP header (control or non-ASCII)." : "to the API (control characters).")
					+ " Check that " + w.name(Field.SECRET) + " holds just the key.");
		}
	}

	private static String newSecretRef() {
		return "connection/" + UUID.randomUUID();
	}
}
