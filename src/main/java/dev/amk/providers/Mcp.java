package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/**
 * A remote MCP server (Streamable HTTP), added with {@code amk mcp add NAME --url URL}. Its base URL is the server's
 * endpoint itself (agents reach it at {@code http://127.0.0.1:PORT/NAME}). It signs in with MCP authorization, whose
 * endpoints are discovered from the server (there is no fixed profile; see {@code dev.amk.mcp}), and its tokens are
 * bound to the server with the {@code resource} indicator (RFC 8707), sent on every token request. A server that takes
 * an API key gets it in the header the person names.
 */
public final class Mcp extends BaseProvider {
	Mcp() {
		super("mcp", "MCP server", null, SpecParts.BEARER, Probe.addressOnly());
	}

	@Override
	public boolean speaksMcp() {
		return true;
	}

	/**
	 * The server's canonical URI (MCP authorization, "Canonical Server URI"): scheme and host in lower case (HttpUrl
	 * does that), no fragment, and no trailing slash unless the path is only {@code /}.
	 */
	@Override
	public String oauthResource(HttpUrl baseUrl) {
		return canonical(baseUrl);
	}

	public static String canonical(HttpUrl url) {
		String text = url.newBuilder().fragment(null).build().toString();
		return text.endsWith("/") && !url.encodedPath().equals("/") ? text.substring(0, text.length() - 1) : text;
	}

	/** "docs.example.com": the person named the server by its address. */
	@Override
	public String upstreamName(String host) {
		return "the MCP server at " + host;
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return List.of(new SetupSnippet("mcp-http", "MCP clients (Streamable HTTP)",
				"Add an HTTP MCP server with this URL and the key as a Bearer token, or run 'amk mcp setup CLIENT AGENT'.",
				List.of(new SetupSnippet.EnvVar("MCP_URL", proxyBase), new SetupSnippet.EnvVar("MCP_AUTHORIZATION", "Bearer " + key)), List.of()),
				new SetupSnippet("curl", "curl", "Checks the route from a terminal: the server answers an initialize request (a JSON-RPC result).",
						List.of(), List.of("curl " + proxyBase + " -H \"Authorization: Bearer " + key + "\" -H \"Content-Type: application/json\""
						+ " -H \"Accept: application/json, text/event-stream\" -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
						+ "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}'")));
	}
}
