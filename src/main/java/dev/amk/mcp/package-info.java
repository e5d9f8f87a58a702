/**
 * MCP servers behind the broker: the JSON-RPC inspection that enforces per-tool grants on Streamable HTTP traffic
 * ({@link dev.amk.mcp.McpMessages}, {@link dev.amk.mcp.ToolGate}, {@link dev.amk.mcp.ToolListFilter}), and MCP
 * authorization for {@code amk mcp add}: protected-resource metadata (RFC 9728), authorization-server metadata
 * (RFC 8414, OpenID Connect discovery), dynamic client registration (RFC 7591) and the {@code resource} indicator
 * (RFC 8707), on top of the OAuth building blocks of {@code dev.amk.oauth} (PKCE, loopback redirect, token endpoint); and
 * MCP clients' configuration for an agent ({@link dev.amk.mcp.ClientSetup}, {@link dev.amk.mcp.McpSetupService}), shared by
 * {@code amk mcp setup} and the app.
 *
 * <p>Core. May import {@code agents}, {@code oauth}, {@code connections}, {@code providers}, {@code secrets}, {@code common}; never
 * {@code proxy}, {@code ui}, {@code cli}, {@code launcher} or JavaFX. The proxy calls into it.
 */
package dev.amk.mcp;
