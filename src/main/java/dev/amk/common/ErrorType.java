package dev.amk.common;

import java.util.HashMap;
import java.util.Map;

/**
 * Every error type the broker reports, in one place: the stable string a client, a script or an audit row
 * sees (docs/contract.md), the HTTP status the proxy answers it with, and the CLI's exit status.
 *
 * <p>The strings never change once published; add a constant rather than rename one. A status is given for
 * every type so that any front door (base-URL routes, the forward proxy, MCP) answers the same failure the
 * same way; types that only ever reach the CLI carry the status they would have over HTTP.
 */
public enum ErrorType {
	// The proxy's refusals, before anything was sent upstream
	BAD_REQUEST("bad_request", 400),
	INVALID_KEY("invalid_key", 401),
	UNKNOWN_KEY("unknown_key", 401),
	REVOKED_KEY("revoked_key", 401),
	EXPIRED_KEY("expired_key", 401),
	SCOPE_DENIED("scope_denied", 403),
	UNKNOWN_CONNECTION("unknown_connection", 404),
	/** The agent's request body arrived slower than the broker's minimum upload rate. */
	REQUEST_TIMEOUT("request_timeout", 408),
	BAD_HOST("bad_host", 421),
	/** Too many requests running at once, for the agent or the whole broker; answered with Retry-After. */
	RATE_LIMITED("rate_limited", 429),
	/** The agent spent one of its budgets (daily or monthly dollars, daily tokens); answered with Retry-After until it resets. */
	BUDGET_EXCEEDED("budget_exceeded", 429),
	/** The request names a model outside the agent's model list (or one the broker could not read). */
	MODEL_DENIED("model_denied", 403),
	// The forward proxy (HTTPS_PROXY mode); a bad proxy key is answered with the 401 types above, as 407
	/** A CONNECT or absolute-form request without {@code Proxy-Authorization}. */
	PROXY_AUTH_REQUIRED("proxy_auth_required", 407),
	/** A CONNECT or absolute-form request for a host none of the agent's granted connections owns. */
	HOST_NOT_ALLOWED("host_not_allowed", 403),
	// Agent controls (issue 15): the tripwire, approvals and decoys
	/** The request's URL, headers or body carried a real secret the broker holds, or another agent's key. */
	SECRET_IN_REQUEST("secret_in_request", 403),
	/** A request held for approval was refused by the person (or could not be asked: no app running). */
	APPROVAL_DENIED("approval_denied", 403),
	/** A request held for approval got no answer in time. */
	APPROVAL_TIMEOUT("approval_timeout", 403),
	/** An audit reason only: a decoy key was used. The caller is answered exactly as for an unknown key. */
	DECOY_USED("decoy_used", 401),
	// The broker or the upstream failed
	INTERNAL_ERROR("internal_error", 500),
	UPSTREAM_UNREACHABLE("upstream_unreachable", 502),
	/** The keychain could not give the connection's secret: the broker's own problem, said plainly. */
	CONNECTION_UNAVAILABLE("connection_unavailable", 503),
	/**
	 * The OAuth grant behind the connection is gone at the provider; only the person can sign in again. 503 rather
	 * than 401: the agent's own key is fine, and SDKs treat 401 as "your API key is wrong".
	 */
	CONNECTION_NEEDS_REAUTH("connection_needs_reauth", 503),
	UPSTREAM_TIMEOUT("upstream_timeout", 504),
	TOKEN_REFRESH_FAILED("token_refresh_failed", 502),
	/**
	 * An MCP tool call outside the agent's per-tool grant. Answered as a JSON-RPC error with HTTP 200 (an MCP client
	 * reads errors there), and recorded as the audit row's reason with the status the agent was sent.
	 */
	TOOL_DENIED("tool_denied", 403),
	/** An MCP request body larger than the broker reads to enforce tool grants. */
	REQUEST_TOO_LARGE("request_too_large", 413),
	// Audit reasons that are never sent as an answer
	/** The agent went away before its answer was complete (nginx's 499; never sent, since nobody is listening). */
	CLIENT_CLOSED("client_closed", 499),
	/** Rows lost because the audit queue was full. */
	AUDIT_OVERFLOW("audit_overflow", 500),
	// The command line and the services behind it
	USAGE("usage", 400, 2),
	INVALID_ARGUMENT("invalid_argument", 400),
	NOT_FOUND("not_found", 404),
	ALREADY_EXISTS("already_exists", 409),
	SECRET_MISSING("secret_missing", 404),
	KEYCHAIN_LOCKED("keychain_locked", 503),
	KEYCHAIN_UNAVAILABLE("keychain_unavailable", 503),
	DATA_FOLDER_UNUSABLE("data_folder_unusable", 500),
	DATABASE_ERROR("database_error", 500),
	DATABASE_TOO_NEW("database_too_new", 500),
	DATABASE_UNUSABLE("database_unusable", 500),
	SETTINGS_UNREADABLE("settings_unreadable", 500),
	SETTINGS_UNWRITABLE("settings_unwritable", 500),
	LOGIN_ITEM_FAILED("login_item_failed", 500),
	INTERRUPTED("interrupted", 500),
	PORT_IN_USE("port_in_use", 500),
	PROXY_START_FAILED("proxy_start_failed", 500),
	OAUTH_CANCELLED("oauth_cancelled", 400),
	OAUTH_DENIED("oauth_denied", 403),
	OAUTH_FAILED("oauth_failed", 502),
	OAUTH_TIMEOUT("oauth_timeout", 504),
	OAUTH_UNREACHABLE("oauth_unreachable", 502),
	OAUTH_BAD_RESPONSE("oauth_bad_response", 502),
	OAUTH_BAD_TOKEN_RESPONSE("oauth_bad_token_response", 502),
	OAUTH_LISTENER_FAILED("oauth_listener_failed", 500),
	OAUTH_TOKENS_UNREADABLE("oauth_tokens_unreadable", 500),
	// Types that were thrown as bare strings before the catalogue held them (issue 9, typed errors)
	/** The OS keychain refused this program access to an item (as opposed to being locked). */
	KEYCHAIN_DENIED("keychain_denied", 503),
	/** The provider answered {@code invalid_grant}: the grant is revoked or expired. */
	OAUTH_INVALID_GRANT("oauth_invalid_grant", 502),
	/** The provider answered {@code invalid_client} or {@code unauthorized_client}: the OAuth app is gone or misconfigured. */
	OAUTH_INVALID_CLIENT("oauth_invalid_client", 502),
	// The local CA (amk ca) and amk doctor
	/** A host name no certificate may be issued for: an IP literal, a wildcard, empty, too long or not a DNS name. */
	INVALID_HOST("invalid_host", 400),
	/** The CA's certificate or bundle could not be written under the data folder. */
	CA_UNWRITABLE("ca_unwritable", 500),
	/** The OS did not take the CA's trust setting (macOS's security tool failed or was cancelled). */
	TRUST_FAILED("trust_failed", 500),
	/** A change that needs the person's yes did not get it (no terminal to ask on, or the answer was no). */
	NOT_CONFIRMED("not_confirmed", 400),
	/** amk doctor's record of its last fix (for --undo) could not be written or read. */
	UNDO_RECORD_UNUSABLE("undo_record_unusable", 500),
	// amk run (proxy mode)
	/** amk run needs a running broker (app or serve) for its child key to be served. */
	BROKER_NOT_RUNNING("broker_not_running", 503),
	/** amk run asked for a grant wider than its agent's own. */
	GRANT_TOO_WIDE("grant_too_wide", 403),
	/** The agent amk run starts from is revoked or expired. */
	AGENT_INACTIVE("agent_inactive", 403),
	/** amk run could not start the command (not found, not executable). */
	COMMAND_FAILED("command_failed", 500);

	/** Exit status of a command that failed (docs/contract.md: errors exit non-zero). */
	public static final int EXIT_FAILURE = 1;
	/** Exit status of a command line that could not be understood. */
	public static final int EXIT_USAGE = 2;

	private static final Map<String, ErrorType> BY_TYPE = new HashMap<>();

	static {
		for (ErrorType t : values()) {
			BY_TYPE.put(t.type, t);
		}
	}

	private final String type;
	private final int httpStatus;
	private final int exitCode;

	ErrorType(String type, int httpStatus) {
		this(type, httpStatus, EXIT_FAILURE);
	}

	ErrorType(String type, int httpStatus, int exitCode) {
		this.type = type;
		this.httpStatus = httpStatus;
		this.exitCode = exitCode;
	}

	/** The contract's string, as in {@code {"error": {"type": ...}}} and an audit row's {@code reason}. */
	public String type() {
		return type;
	}

	public int httpStatus() {
		return httpStatus;
	}

	public int exitCode() {
		return exitCode;
	}

	/** The broker's own failure (or an upstream's), as opposed to a request the broker refused. */
	public boolean isServerSide() {
		return httpStatus >= 500;
	}

	/** The constant for a contract string, or null for a string not in the catalogue. */
	public static ErrorType of(String type) {
		return BY_TYPE.get(type);
	}

	@Override
	public String toString() {
		return type;
	}
}
