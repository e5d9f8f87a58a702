package dev.amk.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One proxied request, allowed or denied. Fields are chosen so that none can hold a secret: no headers,
 * no bodies, no query string (where some APIs carry keys).
 *
 * @param id         row id once written, 0 before
 * @param agentId    the agent's registry id, or null when no known key was shown
 * @param path       the path after the connection segment, without query string
 * @param decision   allowed, denied or error
 * @param reason     the error type when not plainly allowed, else null
 * @param mcpMethod  for MCP traffic, the JSON-RPC method ({@code tools/call}; a batch's methods joined by commas), else null
 * @param tool       for an MCP tool call, the tool's name (a batch's joined by commas), else null
 */
public record AuditEvent(long id, Instant time, Long agentId, String agent, String connection, String method, String path, int status,
		Decision decision, String reason, long latencyMs, long bytesIn, long bytesOut, String mcpMethod, String tool) {
	private static final int MAX_MCP_FIELD = 512;

	/** A row of non-MCP traffic. */
	public AuditEvent(long id, Instant time, Long agentId, String agent, String connection, String method, String path, int status,
			Decision decision, String reason, long latencyMs, long bytesIn, long bytesOut) {
		this(id, time, agentId, agent, connection, method, path, status, decision, reason, latencyMs, bytesIn, bytesOut, null, null);
	}

	// Short names kept for readers of rows (the UI, notifications) that compare decisions.
	public static final Decision ALLOWED = Decision.ALLOWED;
	public static final Decision DENIED = Decision.DENIED;
	public static final Decision ERROR = Decision.ERROR;
	private static final int MAX_PATH = 2048;
	/** An agent key pasted into a URL path must not be preserved by the log meant to catch misuse. */
	private static final java.util.regex.Pattern AGENT_KEY = java.util.regex.Pattern.compile("amk_[0-9A-Za-z]{20,}");

	/** Every text field is redacted, not only the path: a key sent as the connection segment or the method is still a key. */
	public AuditEvent {
		if (path != null && path.length() > MAX_PATH) {
			path = path.substring(0, MAX_PATH) + "…";
		}
		agent = redact(agent);
		connection = redact(connection);
		method = redact(method);
		path = redact(path);
		reason = redact(reason);
		// Names the agent chose: bounded, and redacted like every other text field.
		mcpMethod = redact(bounded(mcpMethod));
		tool = redact(bounded(tool));
	}

	private static String bounded(String text) {
		return text != null && text.length() > MAX_MCP_FIELD ? text.substring(0, MAX_MCP_FIELD) + "…" : text;
	}

	/** {@code text} with every agent-key-shaped token replaced; the same string when there is none (the usual case). */
	public static String redact(String text) {
		return text == null || !text.contains("amk_") ? text : AGENT_KEY.matcher(text).replaceAll("amk_[redacted]");
	}

	AuditEvent withId(long newId) {
		return new AuditEvent(newId, time, agentId, agent, connection, method, path, status, decision, reason, latencyMs, bytesIn, bytesOut, mcpMethod, tool);
	}

	/** "tools/call delete_page", "tools/list": what an MCP request asked for, as the Activity view shows it; null for other traffic. */
	public String mcpSummary() {
		if (mcpMethod == null) {
			return null;
		}
		return tool == null ? mcpMethod : mcpMethod + " " + tool;
	}

	/** The contract's JSON shape. */
	public Map<String, Object> toJson() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", id);
		m.put("time", time.toString());
		m.put("agent", agent);
		m.put("connection", connection);
		m.put("method", method);
		m.put("path", path);
		m.put("status", status);
		m.put("decision", decision.wire());
		m.put("reason", reason);
		m.put("latency_ms", latencyMs);
		m.put("bytes_in", bytesIn);
		m.put("bytes_out", bytesOut);
		m.put("mcp_method", mcpMethod);
		m.put("tool", tool);
		return m;
	}
}
