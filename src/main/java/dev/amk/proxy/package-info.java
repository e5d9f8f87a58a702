/**
 * The proxy on 127.0.0.1: the Jetty handler, the checks on each request (host, path, agent key), the upstream
 * client that forwards and streams the answer, secret injection and masking, and the connection tester and the MCP
 * tool lister ({@link dev.amk.proxy.McpToolLister}, for the agent editor's tool picker) that send exactly what the proxy would.
 *
 * <p>Core. May import {@code access}, {@code agents}, {@code audit}, {@code connections}, {@code secrets}, {@code limits},
 * {@code guard}, {@code approvals}, {@code mcp}, {@code common}; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.proxy;
