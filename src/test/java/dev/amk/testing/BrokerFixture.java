package dev.amk.testing;

import dev.amk.access.AccessSnapshot;
import dev.amk.broker.Broker;
import dev.amk.cli.Cli;
import dev.amk.common.Json;
import dev.amk.connections.Connection;
import dev.amk.proxy.ProxySettings;
import dev.amk.secrets.InMemorySecretStore;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A real broker for end-to-end tests: its own data folder, the real proxy on an ephemeral loopback port, and a
 * keychain of its own in memory ({@link #secrets}), which the broker and every CLI run share as they share the
 * OS keychain in real life; the real keychain has its own tests ({@link NeedsKeychain}). Configuration goes
 * through the real CLI, in-process but on its own database connections, exactly as a separate {@code amk}
 * process would.
 */
public final class BrokerFixture implements AutoCloseable {
	public final Path home;
	public final Clock clock;
	public final Broker broker;
	/** The keychain the broker and the CLI runs share: put, read or delete a secret behind their backs here. */
	public final InMemorySecretStore secrets = new InMemorySecretStore();
	public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5)).build();

	public record CliResult(int exit, String out, String err) {
		public Map<String, Object> json() {
			return Json.readObject(out);
		}
	}

	private BrokerFixture(Path home, Clock clock, Duration firstByteTimeout, Duration idleTimeout) {
		this(home, clock, ProxySettings.defaults(0).withTimeouts(Duration.ofSeconds(2), firstByteTimeout, idleTimeout));
	}

	private BrokerFixture(Path home, Clock clock, ProxySettings settings) {
		this.home = home;
		this.clock = clock;
		this.broker = Broker.start(new Broker.Options(home, secrets, settings, clock, Duration.ofMillis(20), Duration.ofDays(90)));
	}

	public static BrokerFixture start(Path home) {
		return new BrokerFixture(home, Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofSeconds(30));
	}

	public static BrokerFixture start(Path home, Clock clock, Duration firstByteTimeout, Duration idleTimeout) {
		return new BrokerFixture(home, clock, firstByteTimeout, idleTimeout);
	}

	/** A broker whose proxy settings {@code adjust} changes (proxy mode's tests: a loopback upstream posing as a public host). */
	public static BrokerFixture start(Path home, UnaryOperator<ProxySettings> adjust) {
		return new BrokerFixture(home, Clock.systemUTC(), adjust.apply(ProxySettings.defaults(0).withTimeouts(Duration.ofSeconds(2),
				Duration.ofSeconds(30), Duration.ofSeconds(30))));
	}

	/** As {@link #start(Path, UnaryOperator)}, on {@code clock} (session renewal tests move it). */
	public static BrokerFixture start(Path home, Clock clock, UnaryOperator<ProxySettings> adjust) {
		return new BrokerFixture(home, clock, adjust.apply(ProxySettings.defaults(0).withTimeouts(Duration.ofSeconds(2),
				Duration.ofSeconds(30), Duration.ofSeconds(30))));
	}

	/** A broker with its own proxy settings: small limits, so that tests of them are quick. */
	public static BrokerFixture start(Path home, ProxySettings settings) {
		return new BrokerFixture(home, Clock.systemUTC(), settings);
	}

	public int port() {
		return broker.port();
	}

	public URI url(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
	}

	/** Runs an {@code amk} command against this broker's data folder. */
	public CliResult cliWithStdin(String stdin, String... args) {
		// An answer no longer waits for its audit row's commit (the journal keeps it safe), so a command reading the
		// log right after a request first lets the writer catch up, as the seconds before a person's command would.
		broker.auditLog().awaitCommitted();
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int exit = Cli.run(args, Map.of("AMK_HOME", home.toString()), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false,
				new PrintWriter(out, true), new PrintWriter(err, true), clock, () -> secrets);
		return new CliResult(exit, out.toString(), err.toString());
	}

	public CliResult cli(String... args) {
		return cliWithStdin("", args);
	}

	/** Adds a connection through the CLI and waits until the running broker knows it. */
	public void addConnection(String name, String provider, String baseUrl, String secret, String... extra) {
		List<String> args = new ArrayList<>(List.of("connection", "add", name, "--provider", provider, "--base-url", baseUrl));
		args.addAll(List.of(extra));
		CliResult r = cliWithStdin(secret + "\n", args.toArray(String[]::new));
		if (r.exit() != 0) {
			throw new AssertionError("connection add failed: " + r.err());
		}
		awaitRegistry(s -> s.connection(name) != null);
	}

	/** Creates an agent through the CLI, waits until the broker knows it, and returns its key. */
	public String createAgent(String name, String... grants) {
		List<String> args = new ArrayList<>(List.of("agent", "create", name, "--json"));
		for (String g : grants) {
			args.add("--grant");
			args.add(g);
		}
		CliResult r = cli(args.toArray(String[]::new));
		if (r.exit() != 0) {
			throw new AssertionError("agent create failed: " + r.err());
		}
		String key = (String) r.json().get("key");
		awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(name)));
		return key;
	}

	/** Waits, by listening to the registry rather than polling, until its snapshot satisfies {@code condition}. */
	public AccessSnapshot awaitRegistry(Predicate<AccessSnapshot> condition) {
		CompletableFuture<AccessSnapshot> reached = new CompletableFuture<>();
		broker.registry().addListener(s -> {
			if (condition.test(s)) {
				reached.complete(s);
			}
		});
		AccessSnapshot now = broker.registry().current();
		if (condition.test(now)) {
			return now;
		}
		try {
			return reached.get(5, TimeUnit.SECONDS);
		} catch (Exception e) {
			throw new AssertionError("the broker did not see the change within 5 s", e);
		}
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		} catch (Exception e) {
			throw new AssertionError(e);
		}
	}

	public HttpResponse<String> get(String path, String headerName, String headerValue) {
		return send(HttpRequest.newBuilder(url(path)).header(headerName, headerValue).GET().build());
	}

	/** The error type of a JSON error body, or null. */
	@SuppressWarnings("unchecked")
	public static String errorType(HttpResponse<String> response) {
		Map<String, Object> error = (Map<String, Object>) Json.readObject(response.body()).get("error");
		return error == null ? null : (String) error.get("type");
	}

	@Override
	public void close() {
		broker.close();
	}
}
