package dev.amk.cli;

import dev.amk.common.AmkException;
import dev.amk.common.Durations;
import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.oauth.Browser;
import dev.amk.connections.HostMap;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.SystemBrowser;
import dev.amk.oauth.TokenEndpoint.DeviceAuthorization;
import dev.amk.oauth.TokenSet;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code amk connection connect}: signs in to an account with OAuth and stores its tokens in the keychain.
 *
 * <p>Scripts and tests drive it through stdout, which carries only what they need: the authorization URL as the
 * first line (the device flow: the verification URI, then the user code), flushed at once, and at the end the
 * result (one JSON line with {@code --json}). Everything meant for a person waiting goes to stderr. Ctrl-C or
 * SIGTERM cancels the sign-in: the loopback listener closes and nothing is stored.
 */
@Command(name = "connect", description = {"Connect an account with OAuth: sign in in the browser (or with a device code); the tokens go to the OS keychain.",
		"Example: amk connection connect github --provider github --client-id Iv1.0123456789abcdef",
		"With --no-browser the authorization URL is the first line of stdout; open it in a browser on this machine."})
final class ConnectCommand extends AmkCommand.NamedLeaf {
	/** 128 + SIGINT, what a shell reports for a command ended by Ctrl-C. */
	static final int EXIT_CANCELLED = 130;

	@Option(names = "--provider", paramLabel = "PROVIDER", completionCandidates = ProviderIds.WithOAuth.class,
			description = "One of: ${COMPLETION-CANDIDATES} (oauth: any OAuth 2.0 API). Not needed with --reconnect.")
	String provider;

	@Option(names = "--client-id", paramLabel = "ID", description = "The client id of the OAuth app you registered with the provider."
			+ " Not needed with --reconnect.")
	String clientId;

	@Option(names = "--client-secret-stdin", description = "Read the OAuth app's client secret from stdin (a hidden prompt on a terminal)."
			+ " Only for providers that require one; never pass it as an argument.")
	boolean clientSecretStdin;

	@Option(names = "--scopes", paramLabel = "S,…", split = ",", description = "Scopes to ask for, comma-separated (default: the provider's usual ones).")
	List<String> scopes;

	@Option(names = "--authorize-url", paramLabel = "URL", description = "The authorization endpoint (required for oauth; overrides the provider's).")
	String authorizeUrl;

	@Option(names = "--token-url", paramLabel = "URL", description = "The token endpoint (required for oauth; overrides the provider's).")
	String tokenUrl;

	@Option(names = "--device-url", paramLabel = "URL", description = "The device authorization endpoint (RFC 8628), for --device.")
	String deviceUrl;

	@Option(names = "--revoke-url", paramLabel = "URL", description = "The revocation endpoint (RFC 7009), used when the connection is removed.")
	String revokeUrl;

	@Option(names = "--base-url", paramLabel = "URL", description = "The API the tokens are for (required for oauth; overrides the provider's).")
	String baseUrl;

	@Option(names = "--device", description = "Sign in with a code entered on another device (GitHub, Google), instead of a redirect to this machine.")
	boolean device;

	@Option(names = "--no-browser", description = "Do not open a browser; only print the URL (first line of stdout).")
	boolean noBrowser;

	@Option(names = "--reconnect", description = "Sign in again to an existing OAuth connection, reusing its settings; grants stay.")
	boolean reconnect;

	@Option(names = "--host-map", paramLabel = "HOST=URL", description = {"Send an intercepted host to another upstream in proxy mode"
			+ " (repeatable; *. wildcards allowed), e.g. github.com=https://github.example.com. Stored once the sign-in succeeds."})
	List<String> hostMaps;

	@Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait for the approval (default 5m).")
	String timeout;

	@Override
	public Integer call() {
		CliContext ctx = ctx();
		Duration wait = timeout == null ? OAuthConnector.DEFAULT_TIMEOUT : Durations.parse(timeout);
		ProviderSpec chosen = provider == null ? null : Providers.byId(provider);
		List<HostMap> maps = HostMap.parseAll(hostMaps); // before anyone signs in for nothing
		if (reconnect) {
			Connection existing = ctx.connections().get(name);
			if (chosen != null && existing.provider() != chosen) {
				throw AmkException.invalid("'" + name + "' is a " + existing.provider().displayName() + " connection; --reconnect keeps its"
						+ " provider. Leave out --provider, or remove it and connect anew.");
			}
		} else {
			ctx.connections().requireNewName(name); // before a secret is typed for nothing
			if (chosen == null) {
				throw AmkException.invalid("Choose a provider with --provider: " + Providers.idsInWords(Providers.withOAuth()) + ".");
			}
		}
		String clientSecret = clientSecretStdin ? SecretInput.read(ctx, "Client secret of the OAuth app") : null;
		if (clientSecretStdin && clientSecret.isEmpty()) {
			throw AmkException.invalid("The client secret on stdin is empty. Pipe it in, for example: printf %s \"$SECRET\" | amk connection connect …");
		}
		Browser browser = noBrowser ? Browser.NONE : new SystemBrowser();
		OAuthConnector connector = ctx.oauthConnector(browser, wait);
		OAuthConnector.Attempt attempt = connector.prepare(new OAuthConnector.Request(name, chosen, clientId, clientSecret, scopes,
				authorizeUrl, tokenUrl, deviceUrl, revokeUrl, baseUrl, device, !noBrowser, reconnect));

		try (SignInCancellation cancellation = new SignInCancellation(attempt::cancel, "amk-connect-cancel")) {
			OAuthConnector.Connected connected;
			try {
				// stdin is free for a pasted address unless the client secret was piped through it.
				PastedRedirect paste = device || (clientSecretStdin && !ctx.interactive()) ? null : new PastedRedirect(ctx.err());
				if (paste != null) {
					paste.readFrom(ctx.in());
				}
				connected = attempt.run(new ConsoleProgress(ctx.out(), ctx.err(), attempt.provider(), noBrowser, paste));
			} catch (AmkException e) {
				if (!cancellation.signalled()) {
					throw e;
				}
				return cancellation.reportCancelled(ctx, json());
			}
			if (hostMaps != null) {
				// --reconnect without --host-map keeps the maps; with it, the maps given replace them.
				connected = new OAuthConnector.Connected(ctx.connections().setHostMaps(name, maps), connected.identity(), connected.scopes(),
						connected.expiresAt());
			}
			report(ctx, connected);
			return 0;
		}
	}

	private void report(CliContext ctx, OAuthConnector.Connected connected) {
		Connection c = connected.connection();
		Boolean refreshable = refreshable(ctx, c);
		List<String> agents = ctx.connections().list().stream().filter(l -> l.connection().name().equals(c.name()))
				.findFirst().map(l -> l.agents()).orElse(List.of());
		if (json()) {
			Map<String, Object> m = ConnectionCommand.toJson(c, agents);
			m.put("reconnected", reconnect);
			ctx.out().println(Json.write(m)); // one line: the stdout lines before it are the URL (or the device code)
			ctx.out().flush();
			return;
		}
		Instant now = ctx.clock().instant();
		StringBuilder line = new StringBuilder(reconnect ? "Reconnected '" : "Connected '").append(c.name()).append("' (")
				.append(c.provider().displayName()).append(')');
		if (connected.identity() != null) {
			line.append(" as ").append(connected.identity());
		}
		line.append(" — scopes: ").append(connected.scopes().isEmpty() ? "(none stated)" : String.join(", ", connected.scopes()));
		if (connected.expiresAt() == null) {
			line.append(" — the token does not expire");
		} else {
			line.append(" — token expires ").append(Durations.until(connected.expiresAt(), now));
			if (Boolean.TRUE.equals(refreshable)) {
				line.append(", renewed automatically");
			} else if (Boolean.FALSE.equals(refreshable)) {
				line.append(" and cannot be renewed: reconnect then");
			}
		}
		PrintWriter out = ctx.out();
		out.println(line.append('.'));
		out.printf("The tokens are in the %s; agents reach the API at http://127.0.0.1:%d/%s/…%n", ctx.secrets().description(),
				ctx.expectedPort(), c.name());
		if (reconnect) {
			out.println(agents.isEmpty() ? "No agent uses it yet. Next: amk agent create NAME --grant " + c.name()
					: "These agents keep their grants and use the new sign-in from their next request: " + String.join(", ", agents) + ".");
		} else {
			out.printf("Next: amk agent create NAME --grant %s%n", c.name());
		}
		out.flush();
	}

	/** Whether the stored token set has a refresh token; null when the keychain cannot say (it just stored it). */
	private static Boolean refreshable(CliContext ctx, Connection c) {
		try {
			return TokenSet.fromJson(ctx.secrets().get(c.secretRef())).refreshToken() != null;
		} catch (AmkException e) {
			return null;
		}
	}

	/** stdout: the lines a script reads, flushed at once. stderr: what a person waiting needs to know. */
	static final class ConsoleProgress implements OAuthConnector.Progress {
		private final PrintWriter out;
		private final PrintWriter err;
		private final ProviderSpec provider;
		private final boolean noBrowser;
		/** Null when stdin is not free for a pasted address. */
		private final PastedRedirect paste;

		ConsoleProgress(PrintWriter out, PrintWriter err, ProviderSpec provider, boolean noBrowser, PastedRedirect paste) {
			this.out = out;
			this.err = err;
			this.provider = provider;
			this.noBrowser = noBrowser;
			this.paste = paste;
		}

		@Override
		public void authorizationUrl(String url, boolean opened) {
			out.println(url);
			out.flush();
			if (opened) {
				err.println("Opened your browser to sign in to " + provider.displayName() + ". If it did not open, visit:");
			} else if (noBrowser) {
				err.println("Open this URL in a browser on this machine and approve access to " + provider.displayName()
						+ " (it is also the first line of stdout):");
			} else {
				err.println("Could not open a browser. Open this URL yourself, on this machine, and approve access to "
						+ provider.displayName() + ":");
			}
			err.println("  " + url);
			if (paste != null) {
				paste.listeningAt(url);
				if (noBrowser) {
					err.println("Browser on another machine? After approving, its page fails to load: copy the address it shows"
							+ " (http://127.0.0.1:…/callback?code=…) and paste it here.");
				}
			}
			err.flush();
		}

		@Override
		public void deviceCode(DeviceAuthorization d, boolean opened) {
			out.println(d.verificationUri());
			out.println(d.userCode());
			out.flush();
			err.println((opened ? "Opened your browser at " : "On any device, open ") + d.verificationUri() + " and enter the code:");
			err.println("  " + d.userCode());
			if (d.verificationUriComplete() != null && !opened) {
				err.println("(or open " + d.verificationUriComplete() + ", which has the code in it)");
			}
			err.flush();
		}

		@Override
		public void step(String text) {
			err.println(text);
			err.flush();
		}
	}
}
