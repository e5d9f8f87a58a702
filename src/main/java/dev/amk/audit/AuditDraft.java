package dev.amk.audit;

import dev.amk.common.ErrorType;

import java.time.Instant;

/**
 * The audit row of one request, filled in as the request passes each stage and finished exactly once, with
 * its decision and error type. A front door finishes it, then {@linkplain #awaitRecorded waits until it is
 * recorded} (journaled, or committed when the journal is unusable), before the agent gets the last byte of its
 * answer: a client that has its answer can rely on the row existing, even if the broker is killed right after.
 *
 * <p>Confined to the request's thread, except the byte counts, which the upload's writer may move too; a
 * request body is written by the thread that forwards it, so plain fields suffice.
 */
public final class AuditDraft {
	private final long startNanos = System.nanoTime();
	private final AuditLog log;
	private final Instant time;
	private final String method;
	private Long agentId;
	private String agent;
	private String connection;
	private String path;
	private int status;
	private long bytesIn;
	private long bytesOut;
	private String mcpMethod;
	private String tool;
	private boolean finished;
	private long ticket;

	public AuditDraft(AuditLog log, Instant time, String method) {
		this.log = log;
		this.time = time;
		this.method = method;
	}

	/** @param connection the connection's name, or null when it is not one (never arbitrary text from the request) */
	public void target(String connection, String path) {
		this.connection = connection;
		this.path = path;
	}

	public void caller(long agentId, String agentName) {
		this.agentId = agentId;
		this.agent = agentName;
	}

	/** The status the agent was sent. */
	public void status(int status) {
		this.status = status;
	}

	/** What an MCP request asked for: its JSON-RPC method(s) and tool name(s), or null. */
	public void mcp(String mcpMethod, String tool) {
		this.mcpMethod = mcpMethod;
		this.tool = tool;
	}

	public void addBytesIn(long n) {
		bytesIn += n;
	}

	public void addBytesOut(long n) {
		bytesOut += n;
	}

	public String connection() {
		return connection;
	}

	public boolean isFinished() {
		return finished;
	}

	/**
	 * Records the row. Only the first call counts: a request has one outcome.
	 *
	 * @param reason why it was not plainly allowed, or null
	 */
	public void finish(Decision decision, ErrorType reason) {
		if (finished) {
			return;
		}
		finished = true;
		long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
		ticket = log.record(new AuditEvent(0, time, agentId, agent, connection, method, path, status, decision, reason == null ? null : reason.type(),
				latencyMs, bytesIn, bytesOut, mcpMethod, tool));
	}

	/** Waits until the finished row survives the process (see {@link AuditLog#record}); usually at once. */
	public void awaitRecorded() {
		log.awaitWritten(ticket);
	}
}
