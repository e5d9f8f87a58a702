package dev.amk.cli;

import dev.amk.common.AmkException;
import dev.amk.doctor.Scanner;
import dev.amk.mcp.ClientSetup;
import dev.amk.mcp.McpSetupService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code amk mcp setup CLIENT AGENT}: points an MCP client at the broker for every MCP server the agent is granted.
 *
 * <p>Keys are stored only as hashes, so the broker cannot write an existing key into a file: the person either pipes the
 * agent's key on stdin ({@code --key-stdin}; its checksum and its shown prefix must match the agent) or lets the command
 * rotate the agent's key ({@code --rotate}), in which case the new key goes only into the file (the old key stops working).
 */
@Command(name = "setup", description = {"Write an MCP client's configuration for an agent: each MCP server it is granted becomes an HTTP entry at"
		+ " http://127.0.0.1:PORT/NAME with the agent key (Claude Desktop: through mcp-remote).",
		"The key: --key-stdin (pipe the agent's key) or --rotate (a new key, written only into the file). A backup comes first; the rest of"
		+ " the file is kept; running it again changes nothing.",
		"Example: printf %s \"$KEY\" | amk mcp setup claude-code reviewer --key-stdin"})
final class McpSetupCommand extends AmkCommand.Leaf {
	@Parameters(index = "0", paramLabel = "CLIENT", description = "claude-code, claude-desktop, codex or cursor.")
	String client;

	@Parameters(index = "1", paramLabel = "AGENT")
	String agentName;

	@Option(names = "--key-stdin", description = "Read the agent's key from stdin.")
	boolean keyStdin;

	@Option(names = "--rotate", description = "Give the agent a new key and write it into the file (its old key stops working).")
	boolean rotate;

	@Option(names = "--file", paramLabel = "PATH", description = "Write this file instead of the client's user-level one (a project's .mcp.json).")
	Path file;

	@Option(names = "--dry-run", description = "Show the change without writing anything.")
	boolean dryRun;

	@Override
	public Integer call() {
		CliContext ctx = ctx();
		ClientSetup.Client target = ClientSetup.Client.byId(client);
		if (keyStdin == rotate) {
			throw AmkException.invalid("Say where the key comes from: --key-stdin (pipe the agent's key) or --rotate (a new key, written only into"
					+ " the file). The broker keeps keys only as hashes, so it cannot write the current one by itself.");
		}
		McpSetupService setup = ctx.mcpSetup();
		List<ClientSetup.Server> servers = setup.servers(agentName, ctx.expectedPort());
		Path path = file != null ? file : target.defaultFile(Scanner.homeFrom(ctx.env()), System.getProperty("os.name", ""));
		String key = keyStdin ? SecretInput.read(ctx, "Key of agent " + agentName) : null;
		McpSetupService.Outcome outcome = dryRun ? setup.preview(target, agentName, path, ctx.expectedPort(), key)
				: setup.apply(target, agentName, path, ctx.expectedPort(), key);
		ClientSetup.Result result = outcome.result();
		String diff = outcome.diff();
		if (json()) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("client", target.id());
			m.put("file", result.file().toString());
			m.put("changed", result.changed());
			m.put("backup", result.backup() == null ? null : result.backup().toString());
			m.put("servers", servers.stream().map(ClientSetup.Server::name).toList());
			m.put("rotated", outcome.rotated());
			Output.printJson(ctx.out(), m);
			return 0;
		}
		if (!result.changed()) {
			ctx.out().printf("%s already reaches %s through the broker in %s; nothing changed.%n", target.displayName(),
					String.join(", ", servers.stream().map(ClientSetup.Server::name).toList()), result.file());
		} else {
			ctx.out().print(diff);
			ctx.out().printf("%s %s%s.%n", dryRun ? "Would write" : "Wrote", result.file(), result.backup() == null ? "" : " (backup: "
					+ result.backup().getFileName() + ")");
			if (outcome.rotated()) {
				ctx.out().printf("'%s' has a new key, written only into that file; its old key no longer works.%n", agentName);
			}
			ctx.out().printf("Restart %s to pick it up.%n", target.displayName());
		}
		ctx.out().flush();
		return 0;
	}
}
