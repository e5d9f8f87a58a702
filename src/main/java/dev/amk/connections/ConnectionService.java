package dev.amk.connections;

import dev.amk.common.AmkException;
import dev.amk.common.Names;
import dev.amk.db.Database;
import dev.amk.secrets.SecretStore;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Adds, lists and removes connected accounts, keeping the registry row and the keychain item in step:
 * the secret is written to the keychain before the row that points at it, and removed after it.
 */
public final class ConnectionService {
	private final Database db;
	private final SecretStore secrets;
	private final Clock clock;
	private final ConnectionRepository repository = new ConnectionRepository();

	public ConnectionService(Database db, SecretStore secrets, Clock clock) {
		this.db = db;
		this.secrets = secrets;
		this.clock = clock;
	}

	/** What a person asks for; null fields take the provider's defaults. */
	public record NewConnection(String name, Provider provider, String baseUrl, Injection injection) {
	}

	/** A connection with the names of the agents that may use it. */
	public record Listed(Connection connection, List<String> agents) {
	}

	public Connection add(NewConnection request, String secret) {
		String name = Names.requireValid("connection", request.name());
		Provider provider = request.provider();
		String baseUrlText = request.baseUrl() != null ? request.baseUrl() : provider.defaultBaseUrl();
		if (baseUrlText == null) {
			throw AmkException.invalid("A custom connection needs --base-url, the root of the API, for example https://api.example.com/v1.");
		}
		var baseUrl = BaseUrls.parse(baseUrlText);
		Injection injection = request.injection() != null ? request.injection() : provider.defaultInjection();
		if (injection == null) {
			throw AmkException.invalid("Say how the custom API takes its key: --header NAME [--format 'Bearer {secret}'],"
					+ " --query-param NAME, or --basic-user USER.");
		}
		requireUsableSecret(secret, injection);
		db.read(c -> {
			if (repository.byName(c, name).isPresent()) {
				throw new AmkException("already_exists", "A connection named '" + name + "' already exists. Pick another name,"
						+ " or replace its secret with 'amk connection set-secret " + name + "'.");
			}
			return null;
		});
		String ref = newSecretRef();
		secrets.put(ref, secret);
		try {
			long id = db.inTransaction(c -> repository.insert(c, name, provider, baseUrl, injection, ref, clock.instant()));
			return new Connection(id, name, provider, baseUrl, injection, ref, clock.instant());
		} catch (RuntimeException e) {
			secrets.delete(ref);
			if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
				throw new AmkException("already_exists", "A connection named '" + name + "' already exists.", e);
			}
			throw e;
		}
	}

	/** Replaces the secret; the broker picks up the new one at once, in-flight requests finish with the old. */
	public void setSecret(String name, String secret) {
		Connection existing = get(name);
		requireUsableSecret(secret, existing.injection());
		String ref = newSecretRef();
		secrets.put(ref, secret);
		try {
			db.inTransaction(c -> {
				repository.updateSecretRef(c, existing.id(), ref);
				return null;
			});
		} catch (RuntimeException e) {
			secrets.delete(ref);
			throw e;
		}
		secrets.delete(existing.secretRef());
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

	/** Removes the connection and its grants, then its secret. Returns the agents that lost access. */
	public List<String> remove(String name) {
		Connection existing = get(name);
		List<String> affected = db.inTransaction(c -> {
			List<String> agents = repository.agentsUsing(c, existing.id());
			repository.delete(c, existing.id());
			return agents;
		});
		secrets.delete(existing.secretRef());
		return affected;
	}

	private static void requireUsableSecret(String secret, Injection injection) {
		if (secret == null || secret.isEmpty()) {
			throw AmkException.invalid("The secret is empty. Pipe it on stdin, for example: printf %s \"$KEY\" | amk connection add …");
		}
		if (secret.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
			throw AmkException.invalid("The secret contains a line break or NUL; only one trailing newline is removed."
					+ " Check that stdin holds just the key.");
		}
		// Header values are ASCII on the wire: catch a mis-pasted key now rather than fail every request later.
		if (!(injection instanceof Injection.Query) && secret.chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e)) {
			throw AmkException.invalid("The secret contains characters that cannot be sent in an HTTP header (control or non-ASCII)."
					+ " Check that stdin holds just the key.");
		}
	}

	private static String newSecretRef() {
		return "connection/" + UUID.randomUUID();
	}
}
