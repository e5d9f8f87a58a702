package dev.amk.proxy;

import dev.amk.agents.GrantRule;
import dev.amk.audit.AuditDraft;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import dev.amk.mcp.McpMessages;
import dev.amk.mcp.ToolGate;
import dev.amk.mcp.ToolListFilter;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okhttp3.internal.http.HttpMethod;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The MCP part of one request to an MCP server connection (Streamable HTTP), between authorisation and the relay: the
 * JSON-RPC body is read (up to {@link #MAX_BODY}) and checked against the agent's per-tool grant ({@link ToolGate}); a
 * denied tool call is answered here and never reaches the server; the server's answer is filtered to the granted tools
 * ({@link ToolListFilter}); and the server's own 401, with its {@code WWW-Authenticate} challenge, never reaches the
 * agent (its SDK would start a sign-in of its own): the broker already refreshed and retried once, and a refresh the
 * provider refused marked the connection for a new sign-in; the agent gets the broker's JSON error. GET streams and DELETE pass through as they are.
 *
 * <p>Reading the whole (bounded) body also makes every MCP request replayable, so the OAuth retry after a 401 always applies.
 */
final class McpExchange {
	/** JSON-RPC requests are small; tool arguments rarely exceed a few kilobytes. Larger bodies are refused, never passed unchecked. */
	static final int MAX_BODY = 4 * 1024 * 1024;
	private static final MediaType JSON = MediaType.get("application/json");

	private final GrantRule rule;
	private final byte[] body;
	private final ToolGate.Verdict verdict;

	private McpExchange(GrantRule rule, byte[] body, ToolGate.Verdict verdict) {
		this.rule = rule;
		this.body = body;
		this.verdict = verdict;
	}

	/** Reads and checks the request's body, if any, while {@code entry} tracks the request. */
	static McpExchange inspect(Request request, GrantRule rule, AuditDraft audit, InFlightRequests.Entry entry) throws Refused, ExchangeBroken {
		long length = request.getLength();
		boolean hasBody = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
		if (!hasBody) {
			return new McpExchange(rule, null, null);
		}
		String coding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
		if (coding != null && !coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
			throw Refused.of(ErrorType.BAD_REQUEST, "The broker reads MCP requests to enforce tool grants and does not take compressed bodies."
					+ " Send the JSON-RPC body uncompressed.");
		}
		if (length > MAX_BODY) {
			throw tooLarge();
		}
		byte[] bytes = readBounded(request, audit, entry);
		McpMessages.Body parsed;
		try {
			parsed = McpMessages.parse(bytes);
		} catch (McpMessages.Unreadable e) {
			if (rule.limitsTools()) {
				throw Refused.of(ErrorType.BAD_REQUEST, "The broker could not read this MCP request (" + e.getMessage() + "). With a grant"
						+ " limited to some tools it forwards only JSON-RPC it can check: UTF-8 JSON, no key twice in an object.");
			}
			return new McpExchange(rule, bytes, null); // every tool granted: the server judges what it cannot parse
		}
		ToolGate.Verdict verdict = ToolGate.decide(parsed, bytes, rule::allowsTool, rule.limitsTools());
		audit.mcp(verdict.auditMethod(), verdict.auditTool());
		return new McpExchange(rule, bytes, verdict);
	}

	private static Refused tooLarge() {
		return Refused.closingConnection(ErrorType.REQUEST_TOO_LARGE, "This MCP request body is larger than the " + (MAX_BODY / (1024 * 1024))
				+ " MiB the broker reads to enforce tool grants. Send smaller tool arguments.");
	}

	private static byte[] readBounded(Request request, AuditDraft audit, InFlightRequests.Entry entry) throws Refused, ExchangeBroken {
		Buffer bytes = new Buffer();
		InputStream in = Request.asInputStream(request);
		entry.uploadStarted(() -> request.fail(new java.util.concurrent.TimeoutException("upload below the minimum rate")));
		byte[] chunk = new byte[StreamingBody.CHUNK];
		try {
			while (true) {
				int n = in.read(chunk);
				if (n == -1) {
					break;
				}
				bytes.write(chunk, 0, n);
				entry.uploaded(n);
				if (bytes.size() > MAX_BODY) {
					throw tooLarge();
				}
			}
		} catch (IOException | RuntimeException e) {
			throw UpstreamRequest.agentBodyFailure(entry, e);
		} finally {
			entry.uploadEnded();
		}
		long expected = request.getLength();
		if (expected > 0 && bytes.size() < expected) {
			throw ExchangeBroken.clientClosed(new EOFException("the agent's body ended early"));
		}
		audit.addBytesIn(bytes.size());
		return bytes.readByteArray();
	}

	/** Whether the broker answers alone: every message was a denied tool call. */
	boolean answeredByBroker() {
		return verdict != null && verdict.nothingForwarded();
	}

	/** The broker's own answer when nothing goes to the server, recorded before it is sent. */
	void answer(Response response, Callback callback, AuditDraft audit) {
		boolean anyAnswer = !verdict.denials().isEmpty();
		int status = anyAnswer ? 200 : 202; // notifications only: Streamable HTTP answers 202 Accepted with no body
		audit.status(status);
		audit.finish(Decision.DENIED, ErrorType.TOOL_DENIED);
		audit.awaitRecorded();
		response.setStatus(status);
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		if (!anyAnswer) {
			response.write(true, null, callback);
			return;
		}
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
		response.write(true, ByteBuffer.wrap(verdict.brokerAnswer().getBytes(StandardCharsets.UTF_8)), callback);
	}

	/** The decision recorded for an answered request: a batch with a denied call is a denial, though the rest went on. */
	Decision decision() {
		return verdict != null && verdict.denied() ? Decision.DENIED : Decision.ALLOWED;
	}

	ErrorType reason() {
		return verdict != null && verdict.denied() ? ErrorType.TOOL_DENIED : null;
	}

	/** Searches the body, read whole, with the exfiltration tripwire before anything is sent. */
	void scan(dev.amk.guard.Tripwire.BodyScan bodyScan) throws Refused {
		if (body != null) {
			UpstreamRequest.scanWhole(bodyScan, body);
		}
	}

	/** The request as it goes upstream: the checked body (a batch without its denied calls), replayable. */
	UpstreamRequest upstream(Request request, List<String> rawSegments, List<QueryParameter> query, String agentKey, Connection connection)
			throws Refused {
		String method = request.getMethod();
		RequestBody requestBody;
		if (body != null) {
			if (!HttpMethod.permitsRequestBody(method)) {
				throw Refused.of(ErrorType.BAD_REQUEST, method + " requests cannot carry a body through the broker.");
			}
			requestBody = RequestBody.create(verdict == null ? body : verdict.forwardedBody());
		} else {
			requestBody = HttpMethod.requiresRequestBody(method) ? RequestBody.EMPTY : null;
		}
		return new UpstreamRequest(request.getHeaders(), connection, rawSegments, query, agentKey, method, requestBody, true);
	}

	/**
	 * The server's answer as the agent may see it. Its 401 never gets through (see the class comment); a tool list is
	 * filtered and a batch's denials added, for JSON and event-stream answers alike.
	 */
	Forwarder.Forwarded answerFrom(Forwarder.Forwarded forwarded, Connection connection) throws Refused {
		okhttp3.Response answer = forwarded.answer();
		if (answer.code() == 401) {
			// The Forwarder already refreshed and replayed once; a grant the provider refused is marked for a new sign-in there
			// (TokenManager). A 401 after a good refresh is not taken as proof that the sign-in is dead: an agent could
			// otherwise disable a connection other agents share by asking for a path the server refuses.
			answer.close();
			throw Refused.of(ErrorType.CONNECTION_NEEDS_REAUTH, "The MCP server '" + connection.name() + "' refused the broker's credential"
					+ (connection.isOAuth() ? ". If this goes on, ask the person who runs the broker to sign in again (amk mcp add "
							+ connection.name() + " --reconnect)." : ". Ask the person who runs the broker to replace its key (amk connection set-secret "
							+ connection.name() + ")."));
		}
		if (verdict == null && !rule.limitsTools()) {
			return forwarded;
		}
		// Also GET streams and bodies without JSON-RPC: under a tool grant, any tool list on its way to the agent is filtered.
		List<java.util.Map<String, Object>> denials = verdict == null ? List.of() : verdict.denials();
		ToolListFilter filter = new ToolListFilter(rule.limitsTools(), rule::allowsTool, denials);
		if (!filter.needed()) {
			return forwarded;
		}
		ResponseBody filtered;
		okhttp3.Response.Builder rebuilt = answer.newBuilder().removeHeader("Content-Length");
		String type = answer.header("Content-Type", "").toLowerCase(Locale.ROOT);
		String coding = answer.header("Content-Encoding");
		if (coding != null && !coding.strip().equalsIgnoreCase("identity")) {
			answer.close();
			throw Refused.of(ErrorType.UPSTREAM_UNREACHABLE, "The MCP server sent a compressed answer, which the broker cannot filter to the"
					+ " agent's tools.");
		}
		if (answer.code() == 202 && !denials.isEmpty()) {
			// The batch's other messages were notifications: the denials are the whole answer.
			answer.close();
			filtered = ResponseBody.create(McpMessages.write(denials), JSON);
			rebuilt.code(200).message("OK").header("Content-Type", "application/json");
		} else if (type.startsWith("text/event-stream")) {
			filtered = ResponseBody.create(Okio.buffer(filter.sse(answer.body().source())), answer.body().contentType(), -1);
		} else if (type.startsWith("application/json")) {
			filtered = ResponseBody.create(Okio.buffer(new WholeJson(answer.body().source(), filter)), answer.body().contentType(), -1);
		} else {
			return forwarded;
		}
		return new Forwarder.Forwarded(rebuilt.body(filtered).build(), forwarded.entry(), forwarded.mask(), forwarded.inFlight());
	}

	/** A JSON answer read whole (bounded) on the first read, then served filtered. */
	private static final class WholeJson implements Source {
		private final BufferedSource in;
		private final ToolListFilter filter;
		private Buffer out;

		WholeJson(BufferedSource in, ToolListFilter filter) {
			this.in = in;
			this.filter = filter;
		}

		@Override
		public long read(Buffer sink, long byteCount) throws IOException {
			if (out == null) {
				Buffer all = new Buffer();
				while (in.read(all, StreamingBody.CHUNK) != -1) {
					if (all.size() > ToolListFilter.MAX_JSON) {
						throw new IOException("the MCP server's JSON answer is larger than the broker filters");
					}
				}
				out = new Buffer().write(filter.json(all.readByteArray()));
			}
			return out.size() == 0 ? -1 : out.read(sink, Math.min(byteCount, out.size()));
		}

		@Override
		public Timeout timeout() {
			return in.timeout();
		}

		@Override
		public void close() throws IOException {
			in.close();
		}
	}
}
