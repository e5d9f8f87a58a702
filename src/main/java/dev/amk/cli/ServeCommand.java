package dev.amk.cli;

import dev.amk.broker.Broker;
import dev.amk.broker.BrokerProcess;
import dev.amk.common.AmkException;
import dev.amk.common.Json;
import dev.amk.proxy.ContainerAccess;
import dev.amk.proxy.ProxySettings;
import dev.amk.secrets.SecretStore;
import dev.amk.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code amk serve}: the broker without a GUI, until interrupted. */
@Command(name = "serve", description = "Run the broker without a GUI on 127.0.0.1 until interrupted (Ctrl+C, SIGTERM).")
class ServeCommand extends AmkCommand.Leaf {
	@Option(names = "--port", paramLabel = "N", description = "Port on 127.0.0.1 (default: $AMK_PORT, else the app's setting, else " + ProxySettings.DEFAULT_PORT + "; 0 picks a free one).")
	Integer port;

	@Option(names = "--allow-containers", description = "Also serve agents in containers on this machine: accept Host"
			+ " host.docker.internal:PORT and listen on the docker0 bridge address too (never 0.0.0.0). Default: the app's setting, off.")
	boolean allowContainers;

	@Override
	public Integer call() throws InterruptedException {
		CliContext ctx = ctx();
		int chosenPort = port != null ? port : portFromEnvironment(ctx);
		if (chosenPort < 0 || chosenPort > 65535) {
			throw AmkException.invalid("--port must be between 0 and 65535.");
		}
		SecretStore secrets = ctx.secrets();
		ContainerAccess containers = allowContainers || Settings.load(ctx.dataDir()).allowContainers()
				? ContainerAccess.allowed(ContainerAccess::dockerBridge) : ContainerAccess.OFF;
		BrokerProcess process = BrokerProcess.start(Broker.Options.defaults(ctx.dataDir(), secrets, chosenPort).withAuditRetention(retention(ctx))
				.withContainers(containers), readsSecretsBeforeReady());
		for (String warning : process.warnings()) {
			ctx.err().println("Warning: " + warning);
		}
		ctx.err().flush();
		Broker broker = process.broker();
		String url = "http://127.0.0.1:" + broker.port();
		if (json()) {
			Map<String, Object> ready = new LinkedHashMap<>();
			ready.put("event", "ready");
			ready.put("port", broker.port());
			ready.put("url", url);
			ready.put("data_dir", ctx.dataDir().toString());
			ready.put("listen", broker.proxy().listenAddresses());
			ctx.out().println(Json.write(ready));
		} else {
			ctx.out().printf("Agent Master Key is serving on %s (data: %s; secrets: %s).%n", url, ctx.dataDir(), secrets.description());
			ctx.out().printf("Agents use %s/CONNECTION/… with their amk_ key. Ctrl+C stops.%n", url);
			if (containers.enabled()) {
				ctx.out().println(containers.describe(broker.port()));
			}
		}
		ctx.out().flush();
		onReady(ctx, broker);
		process.awaitStop();
		return 0;
	}

	/**
	 * Whether every secret is read before the broker reports ready. The menu-bar app reads them after its icon is
	 * up instead (macOS Keychain prompts must not keep it from appearing, see AppCommand).
	 */
	boolean readsSecretsBeforeReady() {
		return true;
	}

	/** Called once the broker serves; the menu-bar app builds its UI here. */
	void onReady(CliContext ctx, Broker broker) {
	}

	/** AMK_AUDIT_RETENTION_DAYS: how long audit rows are kept (default 90; 0 keeps them for ever). */
	private static Duration retention(CliContext ctx) {
		String env = ctx.env().get("AMK_AUDIT_RETENTION_DAYS");
		if (env == null || env.isBlank()) {
			return Broker.Options.DEFAULT_AUDIT_RETENTION;
		}
		try {
			int days = Integer.parseInt(env.strip());
			if (days < 0) {
				throw new NumberFormatException();
			}
			return days == 0 ? null : Duration.ofDays(days);
		} catch (NumberFormatException e) {
			throw AmkException.invalid("AMK_AUDIT_RETENTION_DAYS='" + env + "' is not a number of days (0 keeps the log for ever).");
		}
	}

	/** --port, else AMK_PORT, else the port in the settings (default 9323). */
	private static int portFromEnvironment(CliContext ctx) {
		String env = ctx.env().get("AMK_PORT");
		if (env == null || env.isBlank()) {
			return Settings.load(ctx.dataDir()).port();
		}
		try {
			return Integer.parseInt(env.strip());
		} catch (NumberFormatException e) {
			throw AmkException.invalid("AMK_PORT='" + env + "' is not a port number.");
		}
	}
}
