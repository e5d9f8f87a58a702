package dev.amk.mcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides, message by message, what of an agent's JSON-RPC request body may reach the MCP server. A {@code tools/call}
 * of a tool outside the grant never does: the broker answers it itself with a JSON-RPC error carrying the request's
 * {@code id} (code {@value #TOOL_DENIED_CODE}, {@code data.type} {@code tool_denied}). Everything else goes on. A batch
 * is split: its allowed messages go on as a smaller batch, and the denials are added to the server's answer.
 * It also notes which requests are {@code tools/list}, whose answers must be filtered to the granted tools.
 */
public final class ToolGate {
	public static final String TOOLS_CALL = "tools/call";
	public static final String TOOLS_LIST = "tools/list";
	/** In JSON-RPC's range for server-defined errors (-32000 to -32099); the contract's code for a denied tool. */
	public static final int TOOL_DENIED_CODE = -32001;
	public static final String TOOL_DENIED_TYPE = "tool_denied";

	/**
	 * @param forwarded   the messages that go to the server (empty: none, the broker answers alone)
	 * @param denials     the broker's own JSON-RPC error responses, one per denied request with an id
	 * @param toolListIds the ids of {@code tools/list} requests (as JSON text), whose answers must be filtered; empty when every tool is granted
	 */
	public record Verdict(McpMessages.Body body, byte[] original, List<McpMessages.Message> forwarded, List<Map<String, Object>> denials,
			Set<String> toolListIds, List<String> deniedTools) {
		/** Whether some tool call was denied. */
		public boolean denied() {
			return !deniedTools.isEmpty();
		}

		/** Whether the server gets nothing: every message was a denied tool call. */
		public boolean nothingForwarded() {
			return forwarded.isEmpty();
		}

		/** What goes to the server: the original bytes when nothing was taken out, else the remaining messages re-written. */
		public byte[] forwardedBody() {
			if (forwarded.size() == body.messages().size()) {
				return original;
			}
			Object value = body.batch() ? forwarded.stream().map(McpMessages.Message::message).toList() : forwarded.getFirst().message();
			return McpMessages.write(value).getBytes(StandardCharsets.UTF_8);
		}

		/** The broker's answer when nothing is forwarded: one error, or a batch of them (JSON-RPC 2.0 §6). */
		public String brokerAnswer() {
			return body.batch() ? McpMessages.write(denials) : McpMessages.write(denials.getFirst());
		}

		/** The audit row's {@code mcp_method}: the method, or a batch's distinct methods joined by commas. */
		public String auditMethod() {
			Set<String> methods = new LinkedHashSet<>();
			for (McpMessages.Message m : body.messages()) {
				methods.add(m.method() == null ? "(response)" : m.method());
			}
			return methods.isEmpty() ? null : String.join(",", methods);
		}

		/** The audit row's {@code tool}: the tool called, or a batch's tools joined by commas; null when no tool was called. */
		public String auditTool() {
			Set<String> tools = new LinkedHashSet<>();
			for (McpMessages.Message m : body.messages()) {
				if (m.isToolCall()) {
					tools.add(m.tool() == null ? "(no name)" : m.tool());
				}
			}
			return tools.isEmpty() ? null : String.join(",", tools);
		}
	}

	private ToolGate() {
	}

	/**
	 * @param allowsTool  whether the agent's grant covers a tool name (exact comparison, see {@code agents.ToolGlob})
	 * @param limitsTools whether the grant names tools at all; when not, every message goes on and no answer is filtered
	 */
	public static Verdict decide(McpMessages.Body body, byte[] original, Predicate<String> allowsTool, boolean limitsTools) {
		List<McpMessages.Message> forwarded = new ArrayList<>();
		List<Map<String, Object>> denials = new ArrayList<>();
		List<String> deniedTools = new ArrayList<>();
		Set<String> toolListIds = new HashSet<>();
		for (McpMessages.Message m : body.messages()) {
			if (limitsTools && m.isToolCall() && !allowsTool.test(m.tool())) {
				deniedTools.add(m.tool() == null ? "(no name)" : m.tool());
				if (m.hasId()) {
					denials.add(denial(m));
				}
				continue;
			}
			if (limitsTools && m.isToolList() && m.hasId()) {
				toolListIds.add(McpMessages.write(m.id()));
			}
			forwarded.add(m);
		}
		return new Verdict(body, original, List.copyOf(forwarded), List.copyOf(denials), Set.copyOf(toolListIds), List.copyOf(deniedTools));
	}

	/** The contract's answer to a denied tool call, with the request's own {@code id}. */
	public static Map<String, Object> denial(McpMessages.Message m) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("type", TOOL_DENIED_TYPE);
		data.put("tool", m.tool());
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", TOOL_DENIED_CODE);
		error.put("message", m.tool() == null ? "This tools/call names no tool; the agent's grant allows only some tools."
				: "The agent's grant does not include the tool '" + m.tool() + "'. Ask the person who runs the broker to grant it"
						+ " (amk agent create … --grant 'CONN:tools=…').");
		error.put("data", data);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("jsonrpc", "2.0");
		answer.put("id", m.id());
		answer.put("error", error);
		return answer;
	}
}
