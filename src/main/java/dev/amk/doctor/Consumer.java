package dev.amk.doctor;

import java.nio.file.Path;

/**
 * What uses a secret: a whole file (a shell startup file, a {@code .env}) or one MCP server entry in a client's
 * configuration. Each consumer gets its own agent when fixed, so it can be revoked on its own.
 *
 * @param id        a name for the agent, from the client and the server ({@code claude-desktop-github})
 * @param label     for a person: "MCP server 'github' in Claude Desktop"
 * @param mcpServer the server's name in the configuration, or null when the consumer is the whole file
 */
public record Consumer(Path file, String id, String label, String mcpServer) {
}
