package dev.amk.cli;

import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.Injection;
import dev.amk.connections.Provider;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code amk connection …}: the accounts agents can be granted. */
@Command(name = "connection", description = "Connect accounts (API keys kept in the OS keychain).",
		subcommands = {ConnectionCommand.Add.class, ConnectionCommand.ListCmd.class, ConnectionCommand.Remove.class,
				ConnectionCommand.SetSecret.class})
final class ConnectionCommand extends AmkCommand.Group {

	@Command(name = "add", description = {"Connect an account. The secret is read from stdin (a hidden prompt on a terminal), never from arguments.",
			"Example: printf %s \"$OPENAI_API_KEY\" | amk connection add openai --provider openai"})
	static final class Add extends AmkCommand.NamedLeaf {
		@Option(names = "--provider", required = true, paramLabel = "PROVIDER", description = "openai, anthropic, gemini, github or custom.")
		String provider;

		@Option(names = "--base-url", paramLabel = "URL", description = "Override the provider's upstream (required for custom).")
		String baseUrl;

		@ArgGroup(exclusive = true)
		InjectionChoice injection;

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
			Provider p = Provider.fromId(provider);
			Injection chosen = chosenInjection();
			String secret = SecretInput.read(ctx(), "Secret for " + name);
			Connection c = ctx().connections().add(new ConnectionService.NewConnection(name, p, baseUrl, chosen), secret);
			if (json()) {
				Output.printJson(ctx().out(), toJson(c, List.of()));
			} else {
				int port = ctx().expectedPort();
				ctx().out().printf("Connected '%s' (%s) → %s, %s.%nThe secret is in the %s; agents reach it at http://127.0.0.1:%d/%s/…%n",
						c.name(), p.displayName(), c.baseUrl(), c.injection().describe(), ctx().secrets().description(), port, c.name());
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
				ctx().out().println("No connections yet. Add one: printf %s \"$KEY\" | amk connection add NAME --provider openai");
				ctx().out().flush();
				return 0;
			}
			Output.printTable(ctx().out(), List.of("NAME", "PROVIDER", "UPSTREAM", "AUTH", "AGENTS"), all.stream()
					.map(l -> List.of(l.connection().name(), l.connection().provider().id(), l.connection().baseUrl().toString(),
							l.connection().injection().describe(), l.agents().isEmpty() ? "-" : String.join(", ", l.agents())))
					.toList());
			return 0;
		}
	}

	@Command(name = "remove", description = "Remove a connection, its grants and its keychain item.")
	static final class Remove extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			List<String> affected = ctx().connections().remove(name).agents();
			respond(Map.of("removed", name, "agents_lost_access", affected), "Removed '" + name + "'."
					+ (affected.isEmpty() ? "" : " These agents lost access to it: " + String.join(", ", affected) + "."));
			return 0;
		}
	}

	@Command(name = "set-secret", description = "Replace a connection's secret (read from stdin); grants stay as they are.")
	static final class SetSecret extends AmkCommand.NamedLeaf {
		@Override
		public Integer call() {
			ctx().connections().get(name); // fail before prompting for a secret nobody can use
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
		m.put("auth", c.injection().describe());
		m.put("created", c.createdAt().toString());
		m.put("agents", agents);
		return m;
	}
}
