package dev.amk.cli;

import dev.amk.common.AmkException;
import dev.amk.common.Durations;
import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.mcp.McpAuthorization;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.SystemBrowser;
import dev.amk.providers.Injection;
import dev.amk.providers.Providers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code amk mcp}: remote MCP servers behind the broker. */
@Command(name = "mcp", description = "MCP servers behind the broker: add remote ones as connections, run local ones without secrets, set up MCP clients.",
		subcommands = {McpCommand.Add.class, McpCommand.Run.class, McpSetupCommand.class})
final class McpCommand extends AmkCommand.Group {

	/**
	 * {@code amk mcp run AGENT -- CMD}: a local stdio MCP server run exactly as {@code amk run} runs a tool (a child key
	 * that dies with it, proxy and CA variables, placeholders instead of secrets), so that its outbound HTTPS goes through
	 * the broker. Its stdin and stdout are the client's own file descriptors, inherited, so JSON-RPC passes byte for byte;
	 * the broker's few messages go to stderr, which MCP clients keep apart.
	 */
	@Command(name = "run", description = {"Run a local stdio MCP server like 'amk run': no real secret in its environment, its outbound HTTPS"
			+ " through the broker, stdin and stdout passed through untouched.",
			"Example (in an MCP client's config): amk mcp run coder -- npx -y @modelcontextprotocol/server-github"})
	static final class Run extends RunCommand {
	}

	/**
	 * {@code amk mcp add NAME --url URL}: MCP authorization when the server asks for it (see {@link McpAuthorization}), or a
	 * static header for a server that takes an API key. Like {@code connection connect}, stdout carries only the
	 * authorization URL as its first line (flushed at once) and the result; the rest goes to stderr.
	 */
	@Command(name = "add", description = {"Add a remote MCP server as a connection (provider mcp). Agents reach it at http://127.0.0.1:PORT/NAME.",
			"Signs in with MCP authorization (OAuth 2.1: discovery from the server's 401, dynamic client registration unless --client-id,"
					+ " PKCE, resource indicator); tokens go to the OS keychain and are refreshed by the broker.",
			"A server that takes an API key: --header H [--format 'Bearer {secret}'], the key on stdin.",
			"Example: amk mcp add docs --url https://mcp.example.com/mcp"})
	static final class Add extends AmkCommand.NamedLeaf {
		@Option(names = "--url", paramLabel = "URL", description = "The server's MCP endpoint (Streamable HTTP). Not needed with --reconnect.")
		String url;

		@Option(names = "--header", paramLabel = "H", description = "The server takes an API key in header H (the key read from stdin); no sign-in.")
		String header;

		@Option(names = "--format", paramLabel = "TEMPLATE", description = "With --header: the header value, e.g. 'Bearer {secret}' (default: Bearer for"
				+ " Authorization, else the key alone).")
		String format;

		@Option(names = "--client-id", paramLabel = "ID", description = "A client registered by hand at the server's authorization server (redirect URI"
				+ " http://127.0.0.1/callback, any port); default: the broker registers itself.")
		String clientId;

		@Option(names = "--client-secret-stdin", description = "With --client-id: read that client's secret from stdin.")
		boolean clientSecretStdin;

		@Option(names = "--scopes", paramLabel = "S,…", split = ",", description = "Scopes to ask for (default: what the server's challenge or"
				+ " metadata names).")
		List<String> scopes;

		@Option(names = "--no-browser", description = "Do not open a browser; only print the URL (first line of stdout).")
		boolean noBrowser;

		@Option(names = "--reconnect", description = "Sign in again to an existing MCP server connection; grants stay.")
		boolean reconnect;

		@Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait for the approval (default 5m).")
		String timeout;

		@Override
		public Integer call() {
			CliContext ctx = ctx();
			if (header != null) {
				return addWithKey(ctx);
			}
			if (format != null) {
				throw AmkException.invalid("--format goes with --header (a server that takes an API key).");
			}
			if (!reconnect && url == null) {
				throw AmkException.invalid("Give the server's address: amk mcp add " + name + " --url https://…/mcp");
			}
			if (!reconnect) {
				ctx.connections().requireNewName(name);
			}
			if (clientSecretStdin && clientId == null) {
				throw AmkException.invalid("--client-secret-stdin goes with --client-id; a dynamically registered client needs no secret from you.");
			}
			String clientSecret = clientSecretStdin ? SecretInput.read(ctx, "Client secret") : null;
			Duration wait = timeout == null ? OAuthConnector.DEFAULT_TIMEOUT : Durations.parse(timeout);
			Browser browser = noBrowser ? Browser.NONE : new SystemBrowser();
			McpAuthorization.Attempt attempt = ctx.mcpAuthorization(browser, wait).attempt();
			try (SignInCancellation cancellation = new SignInCancellation(attempt::cancel, "amk-mcp-add-cancel")) {
				Connection c;
				try {
					c = attempt.run(new McpAuthorization.Request(name, url, clientId, clientSecret, scopes, !noBrowser, reconnect),
							new ConnectCommand.ConsoleProgress(ctx.out(), ctx.err(), Providers.MCP, noBrowser, null));
				} catch (AmkException e) {
					if (!cancellation.signalled()) {
						throw e;
					}
					return cancellation.reportCancelled(ctx, json());
				}
				report(ctx, c);
				return 0;
			}
		}

		private Integer addWithKey(CliContext ctx) {
			if (clientId != null || reconnect || scopes != null) {
				throw AmkException.invalid("--header adds a server that takes an API key; --client-id, --scopes and --reconnect are for sign-ins.");
			}
			if (url == null) {
				throw AmkException.invalid("Give the server's address: amk mcp add " + name + " --url https://…/mcp --header H");
			}
			ctx.connections().requireNewName(name);
			String f = format != null ? format : header.equalsIgnoreCase("authorization") ? "Bearer {secret}" : "{secret}";
			Injection injection = new Injection.Header(header, f);
			String secret = SecretInput.read(ctx, "API key of the MCP server " + name);
			Connection c = ctx.connections().add(new ConnectionService.NewConnection(name, Providers.MCP, url, injection), secret);
			report(ctx, c);
			return 0;
		}

		private void report(CliContext ctx, Connection c) {
			if (json()) {
				Map<String, Object> m = ConnectionCommand.toJson(c, List.of());
				m.put("reconnected", reconnect);
				ctx.out().println(Json.write(m)); // one line: the stdout line before it (if any) is the authorization URL
				ctx.out().flush();
				return;
			}
			ctx.out().printf("%s MCP server '%s' → %s (%s).%nAgents reach it at http://127.0.0.1:%d/%s with their key.%n",
					reconnect ? "Reconnected" : "Added", c.name(), c.baseUrl(), c.isOAuth() ? "signed in; tokens in the " + ctx.secrets().description()
							: c.injection().describe(), ctx.expectedPort(), c.name());
			if (!reconnect) {
				ctx.out().printf("Next: amk agent create NAME --grant %s (every tool) or --grant '%s:tools=GLOB,…'%n", c.name(), c.name());
			}
			ctx.out().flush();
		}
	}
}
