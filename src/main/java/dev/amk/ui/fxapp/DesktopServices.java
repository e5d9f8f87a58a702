package dev.amk.ui.fxapp;

import dev.amk.access.RegistryView;
import dev.amk.activity.ActivityTracker;
import dev.amk.agents.AgentService;
import dev.amk.ca.LocalCa;
import dev.amk.connections.ConnectionService;
import dev.amk.doctor.DoctorFix;
import dev.amk.limits.UsageLedger;
import dev.amk.mcp.McpAuthorization;
import dev.amk.oauth.Browser;
import dev.amk.oauth.OAuthConnector;
import dev.amk.proxy.ConnectionTester;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the menu-bar app uses of the running broker, and nothing more: it reads the registry but cannot reload
 * it, and changes things only through the services, which make the proxy see each change before they return.
 *
 * @param proxyPort where agents reach the proxy, for the status line and the setup snippets
 * @param dataDir   where the settings file lives
 * @param signIns   an OAuth sign-in helper that opens pages with the given browser
 * @param localCa   the local certificate authority, for the Settings section that shows and trusts it
 * @param doctorFix amk doctor's fix for the Keys found view, checked through this broker
 * @param readSecrets reads every connection's secret into the broker's memory; one warning per secret that cannot be read
 * @param approvals   where requests under approval rules wait; the app is their one answerer
 * @param usage       each agent's LLM usage today, for the agent list (null: not shown)
 * @param presence    what proves a person approved a held request (Touch ID or the login password on macOS)
 * @param mcpTools    an MCP server's live tool list, for the agent editor's tool picker
 * @param mcpSetup    writes an MCP client's configuration for an agent ("Set up an MCP client…")
 * @param mcpSignIns  MCP authorization ('amk mcp add') that opens pages with the given browser
 * @param awsCredentialsFile the AWS shared credentials file whose profiles the Add dialog can import
 */
public record DesktopServices(int proxyPort, Path dataDir, Clock clock, RegistryView registry, ActivityTracker activity, AgentService agents,
		ConnectionService connections, ConnectionTester tester, Function<Browser, OAuthConnector> signIns,
		LocalCa localCa, DoctorFix doctorFix, Supplier<List<String>> readSecrets, dev.amk.approvals.ApprovalService approvals, UsageLedger usage,
		dev.amk.approvals.PersonPresence presence, dev.amk.proxy.McpToolLister mcpTools, dev.amk.mcp.McpSetupService mcpSetup,
		Function<Browser, McpAuthorization> mcpSignIns, Path awsCredentialsFile) {
}
