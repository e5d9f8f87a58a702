package dev.amk.cli;

import dev.amk.common.AmkException;
import dev.amk.common.Durations;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.HostMap;
import dev.amk.connections.OAuthDetails;
import dev.amk.connections.TokenRevoker;
import dev.amk.providers.Injection;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code amk connection …}: the accounts agents can be granted. */
@Command(name = "connection", description = "Connect accounts (API keys and OAuth tokens kept in the OS keychain).",
		subcommands = {ConnectionCommand.Add.class, ConnectCommand.class, ConnectionCommand.ListCmd.class, ConnectionCommand.Remove.class,
				ConnectionCommand.SetSecret.class})
final class ConnectionCommand extends AmkCommand.Group {

	@Command(name = "add", description = {"Connect an account. The secret is read from stdin (a hidden prompt on a terminal), never from arguments.",
			"Example: printf %%s \"$OPENAI_API_KEY\" | amk connection add openai --provider openai"})
	static final class Add extends AmkCommand.NamedLeaf {
		@Option(names = "--provider", required = true, paramLabel = "PROVIDER", completionCandidates = ProviderIds.WithApiKeys.class,
				description = "One of: ${COMPLETION-CANDIDATES}.")
		String provider;

		@Option(names = "--base-url", paramLabel = "URL", description = "Override the provider's upstream (required for custom).")
		String baseUrl;

		@Option(names = "--host-map", paramLabel = "HOST=URL", description = {"Send an intercepted host to another upstream in proxy mode"
				+ " (repeatable; *. wildcards allowed), e.g. api.openai.com=https://eu.api.openai.com. The broker's own calls to HOST follow it too."})
		List<String> hostMaps;

		@ArgGroup(exclusive = true)
		InjectionChoice injection;

		@Option(names = "--region", paramLabel = "R", description = "AWS: the default region (us-east-1 unless given).")
		String region;

		@Option(names = "--role-arn", paramLabel = "ARN", description = "AWS: the role each agent's session assumes (else GetFederationToken).")
		String roleArn;

		@Option(names = "--from-profile", paramLabel = "P", description = "AWS: take the keys from profile P of ~/.aws/credentials instead of stdin.")
		String fromProfile;

		static final class InjectionChoice {
			@ArgGroup(exclusive = false)
			HeaderChoice header;

			@Option(names = "--query-param", paramLabel = "P", description = "Send the secret as this query parameter.")
			String queryParam;

			@Option(names = "--basic-user", paramLabel = "U", description = "Send the secret as the HTTP Basic password of user U.")
			String basicUser;
		}

		static final class HeaderChoice {
			@Option(names = "--header", required = true, paramLabel = "H", description = "Send the secret in header H.")
			String header;

			@Option(names = "--format", paramLabel = "TEMPLATE", description = "Header value template, e.g. 'Bearer {secret}'.")
			String format;
		}

		@Override
		public Integer call() {
			ProviderSpec p = Providers.byId(provider);
			Injection chosen = chosenInjection();
			List<HostMap> maps = HostMap.parseAll(hostMaps); // before a secret is typed for nothing
			CloudKeys.refuseAwsOptionsFor(p, region, roleArn, fromProfile);
			String secret = p == Providers.AWS ? CloudKeys.awsSecret(ctx(), name, region, roleArn, fromProfile)
					: p == Providers.GCP ? CloudKeys.gcpSecret(ctx(), name) : SecretInput.read(ctx(), "Secret for " + name);
			Connection c = ctx().connections().add(new ConnectionService.NewConnection(name, p, baseUrl, chosen), secret, maps);
			if (fromProfile != null) {
				ctx().err().println(CloudKeys.profileRemovalHint(ctx(), fromProfile));
			}
			if (json()) {
				Output.printJson(ctx().out(), toJson(c, List.of()));
			} else {
				int port = ctx().expectedPort();
				if (p.signsRequests()) {
					// Cloud keys are never put in a request, and their tools reach the cloud only through the proxy: saying
					// "header Authorization: {secret}" and a base URL here would describe something that does not happen.
					ctx().out().printf("Connected '%s' (%s). The %s are in the %s; the broker %s for agents' tools run with 'amk run AGENT -- …'"
							+ " (proxy mode).%n", c.name(), p.displayName(), p == Providers.GCP ? "service-account key" : "keys",
							ctx().secrets().description(), p == Providers.GCP ? "adds access tokens to *.googleapis.com requests"
									: "signs *.amazonaws.com requests");
				} else {
					ctx().out().printf("Connected '%s' (%s) → %s, %s.%nThe secret is in the %s; agents reach it at http://127.0.0.1:%d/%s/…%n",
							c.name(), p.displayName(), c.baseUrl(), c.injection().describe(), ctx().secrets().description(), port, c.name());
				}
				for (HostMap m : c.hostMaps()) {
					ctx().out().printf("In proxy mode %s goes to %s.%n", m.host(), m.target());
				}
				ctx().out().printf("Next: amk agent create NAME --grant %s%n", c.name());
			}
			return 0;
		}

		private Injection chosenInjection() {
			if (injection == null) {
				return null;
			}
			if (injection.header != null) {
				String h = injection.header.header;
				String f = injection.header.format != null ? injection.header.format
						: h.equalsIgnoreCase("authorization") ? "Bearer {secret}" : "{secret}";
				return new Injection.Header(h, f);
			}
			if (injection.queryParam != null) {
				return new Injection.Query(injection.queryParam);
			}
			return new Injection.Basic(injection.basicUser);
		}
	}

	@Command(name = "list", description = "List connected accounts and the agents that use them.")
	static final class ListCmd extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			List<ConnectionService.Listed> all = ctx().connections().list();
			if (json()) {
				Output.printJson(ctx().out(), all.stream().map(l -> toJson(l.connection(), l.agents())).toList());
				return 0;
			}
			if (all.isEmpty()) {
				ctx().out().println("No connections yet. Add one: printf %s \"$KEY\" | amk connection add NAME --provider openai,"
						+ " or sign in with OAuth: amk connection connect NAME --provider github --client-id ID");
				ctx().out().flush();
				return 0;
			}
			Instant now = ctx().clock().instant();
			Output.printTable(ctx().out(), List.of("NAME", "PROVIDER", "UPSTREAM", "AUTH", "AGENTS"), all.stream()
					.map(l -> List.of(l.connection().name(), l.connection().provider().id(), l.connection().baseUrl().toString(),
							auth(l.connection(), now), l.agents().isEmpty() ? "-" : String.join(", ", l.agents())))
					.toList());
			for (ConnectionService.Listed l : all) {
				for (HostMap m : l.connection().hostMaps()) {
					ctx().out().printf("'%s' host map: %s → %s%n", l.connection().name(), m.host(), m.target());
				}
				if (l.connection().isOAuth() && l.connection().oauth().needsReconnect()) {
					ctx().out().printf("'%s' needs reconnecting (agents get 503 connection_needs_reauth): amk %s %s --reconnect%n",
							l.connection().name(), l.connection().provider().speaksMcp() ? "mcp add" : "connection connect", l.connection().name());
				}
			}
			ctx().out().flush();
			return 0;
		}
	}

	@Command(name = "remove", description = {"Remove a connection, its grants and its keychain items.",
			"An OAuth connection's tokens are first revoked at the provider, where it has a revocation endpoint."})
	static final class Remove extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			ConnectionService.Removed removed = ctx().connections().remove(name);
			Connection existing = removed.connection();
			List<String> affected = removed.agents();
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("removed", name);
			json.put("agents_lost_access", affected);
			String text = "Removed '" + name + "'." + (affected.isEmpty() ? "" : " These agents lost access to it: " + String.join(", ", affected) + ".");
			if (existing.isOAuth()) {
				// true: revoked; false: tried and failed; null: the provider has no way to be asked.
				json.put("revoked", switch (removed.revocation()) {
					case REVOKED -> Boolean.TRUE;
					case FAILED -> Boolean.FALSE;
					case NOT_SUPPORTED -> null;
				});
				text += "\n" + revocationSentence(existing, removed.revocation());
			}
			respond(json, text);
			return 0;
		}

		static String revocationSentence(Connection c, TokenRevoker.Outcome outcome) {
			String provider = c.provider().displayName();
			return switch (outcome) {
				case REVOKED -> "Its tokens were revoked at the provider (" + provider + ").";
				case NOT_SUPPORTED -> "The provider could not be asked to revoke the tokens (no revocation endpoint, or no client secret to ask with): remove the app's access at " + c.provider().accessPage() + ".";
				case FAILED -> "Could not reach the provider to revoke its tokens; they are deleted here, but to be sure remove the app's access at "
						+ c.provider().accessPage() + ".";
			};
		}
	}

	@Command(name = "set-secret", description = "Replace a connection's secret (read from stdin); grants stay as they are.")
	static final class SetSecret extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			Connection existing = ctx().connections().get(name); // fail before prompting for a secret nobody can use
			if (existing.provider().signsRequests()) {
				throw AmkException.invalid("A " + existing.provider().displayName() + " connection's keys are replaced by adding it again: amk connection"
						+ " remove " + name + ", then amk connection add " + name + " --provider " + existing.provider().id() + " (grants must be given again).");
			}
			ctx().connections().setSecret(name, SecretInput.read(ctx(), "New secret for " + name));
			respond(Map.of("updated", name), "Replaced the secret of '" + name + "'. Running brokers use it from the next request.");
			return 0;
		}
	}

	static Map<String, Object> toJson(Connection c, List<String> agents) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("name", c.name());
		m.put("provider", c.provider().id());
		m.put("base_url", c.baseUrl().toString());
		if (c.isOAuth()) {
			OAuthDetails o = c.oauth();
			m.put("auth", "oauth");
			m.put("identity", o.identity());
			m.put("scopes", o.effectiveScopes());
			m.put("expires", o.accessExpiresAt() == null ? null : o.accessExpiresAt().toString());
			m.put("status", o.status().column());
		} else {
			m.put("auth", c.injection().describe());
		}
		Map<String, String> maps = new LinkedHashMap<>();
		c.hostMaps().forEach(h -> maps.put(h.host().pattern(), h.target().toString()));
		m.put("host_maps", maps);
		m.put("created", c.createdAt().toString());
		m.put("agents", agents);
		return m;
	}

	/** The AUTH column: how the key is sent, or the state of an OAuth sign-in. */
	static String auth(Connection c, Instant now) {
		if (!c.isOAuth()) {
			return c.injection().describe();
		}
		OAuthDetails o = c.oauth();
		if (o.needsReconnect()) {
			return "OAuth — NEEDS RECONNECT";
		}
		String who = o.identity() == null ? "OAuth" : "OAuth as " + o.identity();
		if (o.accessExpiresAt() == null) {
			return who;
		}
		String until = Durations.until(o.accessExpiresAt(), now);
		return who + (until.equals("expired") ? " (token expired; the next request refreshes it if it can)" : " (expires " + until + ")");
	}
}
