package dev.amk.cli;

import dev.amk.agents.AgentService;
import dev.amk.audit.AuditStore;
import dev.amk.broker.AmkHome;
import dev.amk.broker.BrokerFile;
import dev.amk.broker.Services;
import dev.amk.ca.LocalCa;
import dev.amk.connections.ConnectionService;
import dev.amk.db.Database;
import dev.amk.doctor.BrokerCheck;
import dev.amk.doctor.DoctorFix;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.secrets.SecretStore;
import dev.amk.settings.Settings;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every command may need: the terminal, the environment, and the services of this one command, which
 * {@link Services} builds lazily so that {@code amk agent list} never touches the keychain and {@code amk --help}
 * never touches the database.
 */
public final class CliContext implements AutoCloseable {
	private final Map<String, String> env;
	private final InputStream in;
	private final boolean interactive;
	private final PrintWriter out;
	private final PrintWriter err;
	private final Services services;
	private final DesktopStarter desktop;

	/** @param desktop how {@code amk app} shows its menu-bar app; {@link DesktopStarter#NONE} serves without one */
	public CliContext(Map<String, String> env, InputStream in, boolean interactive, PrintWriter out, PrintWriter err, Clock clock,
			Supplier<SecretStore> secretStoreFactory, DesktopStarter desktop) {
		this.env = env;
		this.in = in;
		this.interactive = interactive;
		this.out = out;
		this.err = err;
		this.services = Services.forCommand(AmkHome.resolve(env), clock, secretStoreFactory);
		this.desktop = desktop;
	}

	public Map<String, String> env() {
		return env;
	}

	public Path dataDir() {
		return services.dataDir();
	}

	/** The port agents should use: the running broker's, else the one it will start on. */
	public int expectedPort() {
		return BrokerFile.runningPort(dataDir()).orElseGet(() -> Settings.load(dataDir()).port());
	}

	public InputStream in() {
		return in;
	}

	public boolean interactive() {
		return interactive;
	}

	public PrintWriter out() {
		return out;
	}

	public PrintWriter err() {
		return err;
	}

	public Clock clock() {
		return services.clock();
	}

	DesktopStarter desktop() {
		return desktop;
	}

	public Database registry() {
		return services.registryDatabase();
	}

	public AuditStore audit() {
		return services.auditStore();
	}

	public SecretStore secrets() {
		return services.keychain();
	}

	public AgentService agents() {
		return services.agents();
	}

	public ConnectionService connections() {
		return services.connections();
	}

	/** One per command, like the other services here: each TokenEndpoint brings its own HTTP client and pool. */
	public TokenEndpoint tokenEndpoint() {
		return services.tokenEndpoint();
	}

	/** amk doctor's fix, checked through the broker on {@code port} when {@code check} is not null. */
	public DoctorFix doctorFix(int port, BrokerCheck check) {
		return services.doctorFix(port, check);
	}

	/** The local CA of proxy mode ({@code amk ca}). */
	public LocalCa localCa() {
		return services.localCa();
	}

	/** Signs in with OAuth, opening pages with {@code browser} and waiting {@code timeout} for the person. */
	public OAuthConnector oauthConnector(Browser browser, Duration timeout) {
		return services.oauthConnector(browser, timeout);
	}

	public dev.amk.mcp.McpAuthorization mcpAuthorization(Browser browser, Duration timeout) {
		return services.mcpAuthorization(browser, timeout);
	}

	/** {@code amk mcp setup}: the agent's MCP servers written into a client's file (the file chosen here, from this command's HOME). */
	public dev.amk.mcp.McpSetupService mcpSetup() {
		return services.mcpSetup();
	}

	@Override
	public void close() {
		services.close();
	}
}
