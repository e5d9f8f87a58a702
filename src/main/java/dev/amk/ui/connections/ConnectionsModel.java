package dev.amk.ui.connections;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.RegistryView;
import dev.amk.cloud.AwsAccount;
import dev.amk.cloud.AwsProfiles;
import dev.amk.common.AmkException;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.OAuthDetails;
import dev.amk.mcp.McpAuthorization;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.providers.ProviderSpec;
import dev.amk.proxy.ConnectionTester;
import dev.amk.ui.common.FieldLabels;
import dev.amk.ui.common.FxBatcher;
import dev.amk.ui.common.OffFxThread;
import dev.amk.ui.common.RowLists;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The connected accounts behind the Connections view: rows follow the registry (CLI changes included, and the
 * broker's own token refreshes and "needs reconnect" marks), batched onto the FX thread, with the agents that
 * hold a grant on each. Adding, removing and testing run on a background executor (the keychain and the network
 * may block) and hand back futures that complete on the FX thread, after the proxy already sees the change.
 * OAuth sign-ins are {@link OAuthSignIn}s, one per Connect dialog.
 */
public final class ConnectionsModel {
	private static final System.Logger LOG = System.getLogger(ConnectionsModel.class.getName());

	private final RegistryView registry;
	private final ConnectionService connections;
	private final ConnectionTester tester;
	private final OAuthConnector oauth;
	private final McpAuthorization mcp;
	private final Path awsCredentialsFile;
	private final Browser browser;
	private final Clock clock;
	private final Executor background;
	private final ObservableList<ConnectionRow> rows = FXCollections.observableArrayList();
	private final Map<Long, ConnectionRow> byId = new HashMap<>();
	private final FxBatcher refresh = new FxBatcher(this::refreshNow);

	/**
	 * @param oauth   signs accounts in with OAuth and stores them through {@code connections}
	 * @param browser the person's browser, for the pages the Connect dialog offers to open
	 */
	public ConnectionsModel(RegistryView registry, ConnectionService connections, ConnectionTester tester, OAuthConnector oauth,
			Browser browser, Clock clock, Executor background) {
		this(registry, connections, tester, oauth, null, AwsProfiles.credentialsFile(System.getenv(), Path.of(System.getProperty("user.home"))),
				browser, clock, background);
	}

	/**
	 * @param mcp                MCP authorization for "MCP server" with sign-in, as {@code amk mcp add} runs it; null: the
	 *                           Add dialog says the sign-in is not available here
	 * @param awsCredentialsFile the AWS shared credentials file whose profiles "Import" reads
	 */
	public ConnectionsModel(RegistryView registry, ConnectionService connections, ConnectionTester tester, OAuthConnector oauth,
			McpAuthorization mcp, Path awsCredentialsFile, Browser browser, Clock clock, Executor background) {
		this.registry = registry;
		this.connections = connections;
		this.tester = tester;
		this.oauth = oauth;
		this.mcp = mcp;
		this.awsCredentialsFile = awsCredentialsFile;
		this.browser = browser;
		this.clock = clock;
		this.background = background;
	}

	/** Starts following the registry; call on the FX thread. */
	public ConnectionsModel start() {
		registry.addListener(s -> refresh.request());
		refreshNow();
		return this;
	}

	public ObservableList<ConnectionRow> rows() {
		return rows;
	}

	/** Rebuilds rows from the current registry, in place, so that selection and test results stay put. */
	void refreshNow() {
		AccessSnapshot snapshot = registry.current();
		List<Connection> current = snapshot.connections().stream().sorted(Comparator.comparing(Connection::name)).toList();
		Set<Long> seen = new LinkedHashSet<>();
		for (int i = 0; i < current.size(); i++) {
			Connection c = current.get(i);
			seen.add(c.id());
			ConnectionRow row = byId.computeIfAbsent(c.id(), id -> new ConnectionRow(id, c.provider(), c.isOAuth()));
			if (row.secretRef != null && !row.secretRef.equals(c.secretRef())) {
				row.statusProperty().set(ConnectionRow.NOT_TESTED); // a new secret: the last test said nothing about it
			}
			row.secretRef = c.secretRef();
			row.nameProperty().set(c.name());
			row.providerProperty().set(c.provider().displayName());
			row.baseUrlProperty().set(c.baseUrl().toString());
			row.authProperty().set(c.injection().describe());
			if (c.isOAuth()) {
				OAuthDetails o = c.oauth();
				row.identityProperty().set(o.identity());
				if (!o.effectiveScopes().equals(row.scopesProperty().get())) {
					row.scopesProperty().set(o.effectiveScopes());
				}
				row.expiresAtProperty().set(o.accessExpiresAt());
				row.needsReconnectProperty().set(o.needsReconnect());
				row.statusDetailProperty().set(o.statusDetail());
			}
			List<String> using = agentsUsing(snapshot, c.name());
			if (!using.equals(row.agents())) {
				row.agentsProperty().set(using);
			}
			RowLists.placeAt(rows, i, row);
		}
		rows.removeIf(r -> !seen.contains(r.id()));
		byId.keySet().retainAll(seen);
	}

	/** The agents holding a grant on the connection, revoked and expired ones included: enabling them would restore it. */
	private static List<String> agentsUsing(AccessSnapshot snapshot, String connection) {
		return snapshot.agents().stream()
				.filter(a -> a.grants().containsKey(connection))
				.map(a -> a.agent().name())
				.sorted()
				.toList();
	}

	/** Saves a new connection: its secret goes to the keychain, its row to the registry. */
	public CompletableFuture<Connection> add(ConnectionService.NewConnection request, String secret) {
		return inBackground(() -> connections.add(request, secret));
	}

	/**
	 * Removes the connection, its grants and its keychain items (an OAuth connection's tokens revoked at the
	 * provider first, where it can); completes with the agents that lost access and what the provider said.
	 */
	public CompletableFuture<ConnectionService.Removed> remove(ConnectionRow row) {
		String name = row.name();
		return inBackground(() -> connections.remove(name));
	}

	/** A new OAuth sign-in for one Connect (or Reconnect) dialog; the stored connection shows up in the rows before it reports success. */
	public OAuthSignIn newSignIn() {
		return new OAuthSignIn(oauth, mcp, background, this::refreshNow);
	}

	/** A new MCP authorization ({@code amk mcp add}'s) for one Add dialog; the stored connection shows up in the rows before it reports success. */
	public OAuthSignIn newMcpSignIn() {
		return new OAuthSignIn(oauth, mcp, background, this::refreshNow);
	}

	/**
	 * Reads the keys of one profile of the AWS credentials file, as {@code amk connection add --from-profile} does; an
	 * empty name means the AWS tools' own default profile. The file is only read; see {@link #awsProfileRemovalHint}.
	 */
	public CompletableFuture<AwsAccount> importAwsProfile(String profile) {
		String name = profile == null || profile.isBlank() ? "default" : profile.strip();
		return OffFxThread.call(background, () -> AwsProfiles.read(awsCredentialsFile, name, null, null), () -> { });
	}

	/** What the person does, once the imported keys are saved, to remove their plaintext copy. */
	public String awsProfileRemovalHint(String profile) {
		return AwsProfiles.removalHint(awsCredentialsFile, profile == null || profile.isBlank() ? "default" : profile.strip());
	}

	/** The AWS credentials file "Import" reads, for the dialog to name. */
	public Path awsCredentialsFile() {
		return awsCredentialsFile;
	}

	/**
	 * The text of a key file the person chose (a Google Cloud service-account key). Whether it is one is the service's
	 * question, asked on Test and Save; only an unreadable or oversized file is refused here.
	 */
	public CompletableFuture<String> readKeyFile(Path file) {
		return OffFxThread.call(background, () -> {
			try {
				if (Files.size(file) > 64 * 1024) {
					throw AmkException.invalid(file.getFileName() + " is too large for a key file (over 64 KB). Choose the JSON key the Google"
							+ " Cloud console downloaded.");
				}
				return Files.readString(file);
			} catch (IOException e) {
				throw AmkException.invalid("Could not read " + file + " (" + e.getClass().getSimpleName() + "). Choose the file again.");
			}
		}, () -> { });
	}

	/** Shows a page in the person's browser, off the FX thread (opening one can take a moment). */
	public void openInBrowser(String url) {
		background.execute(() -> browser.open(url));
	}

	/** The name a new connection of {@code provider} gets unless the person types another: its id, then id-2, id-3… */
	public String suggestName(ProviderSpec provider) {
		AccessSnapshot snapshot = registry.current();
		String base = provider.id();
		if (snapshot.connection(base) == null) {
			return base;
		}
		for (int n = 2; ; n++) {
			if (snapshot.connection(base + "-" + n) == null) {
				return base + "-" + n;
			}
		}
	}

	/** The client id an existing OAuth connection of {@code provider} signed in with, to offer again; null if none. */
	public String knownClientId(ProviderSpec provider) {
		return registry.current().connections().stream()
				.filter(c -> c.provider() == provider && c.isOAuth())
				.map(c -> c.oauth().clientId())
				.findFirst().orElse(null);
	}

	/** The registry's record of a connection, for a Reconnect dialog to start from; null if it is gone. */
	public Connection connection(String name) {
		return registry.current().connection(name);
	}

	public Clock clock() {
		return clock;
	}

	/** Tests a connection that is not saved yet with the key as typed; invalid input fails with an AmkException. */
	public CompletableFuture<ConnectionTester.Result> test(ConnectionService.NewConnection draft, String secret) {
		return inBackground(() -> tester.test(draft, secret));
	}

	/** Tests a saved connection with its keychain secret and shows the outcome in the row's status. */
	public CompletableFuture<ConnectionTester.Result> test(ConnectionRow row) {
		String name = row.name();
		row.statusProperty().set("Testing…");
		CompletableFuture<ConnectionTester.Result> result = inBackground(() -> {
			Connection c = registry.current().connection(name);
			if (c == null) {
				throw AmkException.notFound("connection", name, "It was removed meanwhile.");
			}
			return tester.test(c);
		});
		result.whenComplete((r, e) -> row.statusProperty().set(r != null ? shortStatus(r) : "Test failed"));
		return result;
	}

	/** A few words for the Status column; the full message goes below the table. */
	static String shortStatus(ConnectionTester.Result r) {
		return switch (r.outcome()) {
			case OK -> "Works";
			case REJECTED -> "Key refused";
			case UNREACHABLE -> "Unreachable";
			case TIMEOUT -> "No answer";
			case UNEXPECTED_STATUS -> "Answered " + r.status();
			case SECRET_UNAVAILABLE -> "Key not in keychain";
		};
	}

	/**
	 * What a failed action tells a person. An {@link AmkException} already says what happened and what to do;
	 * anything else is a bug, reported without its message (library messages can quote header values).
	 */
	public static String describe(Throwable failure, String secret) {
		Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		if (e instanceof AmkException amk) {
			return ConnectionTester.redact(FieldLabels.message(amk), secret);
		}
		StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
		LOG.log(System.Logger.Level.ERROR, "Connections action failed: " + e.getClass().getName() + " at " + at);
		return "Something went wrong (" + e.getClass().getSimpleName() + "). Try again; if it keeps failing, see the log.";
	}

	/** Runs {@code work} off the FX thread; the future completes on the FX thread, so callers may touch controls. */
	private <T> CompletableFuture<T> inBackground(Callable<T> work) {
		// The registry listener would refresh too, but the caller's next step may read rows.
		return OffFxThread.call(background, work, this::refreshNow);
	}
}
