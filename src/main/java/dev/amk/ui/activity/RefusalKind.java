package dev.amk.ui.activity;

import dev.amk.audit.AuditEvent;
import dev.amk.audit.Decision;

import java.util.Map;

/**
 * What an audit row's outcome is called in the Activity tab: a short label for the column, a sentence in words for the
 * tooltip, and a family that picks its colour. Each refusal reason has its own label, so a rate limit, a spent budget,
 * a model off the list, a denied approval and a tripped wire never look alike; the families group them by what a person
 * does next (slow down, look at a grant, treat it as a leak).
 *
 * @param label       the column's text ("Rate limit")
 * @param explanation the sentence behind it, for the tooltip and screen readers
 * @param family      the style class ({@code outcome-…}) that colours the label
 */
public record RefusalKind(String label, String explanation, Family family) {
	/** How alarming a kind is; each is one style class. */
	public enum Family {
		ALLOWED("outcome-allowed"),
		/** The agent went faster or further than its limits: it should slow down or a person raise them. */
		LIMIT("outcome-limit"),
		/** The agent asked for something its grants, model list or a person refused. */
		POLICY("outcome-policy"),
		/** A secret left in a request, or a decoy key used: treat as a possible leak. */
		ALARM("outcome-alarm"),
		/** The key shown was not a usable key of a live agent. */
		KEY("outcome-key"),
		/** The broker or the upstream failed; nobody refused anything. */
		ERROR("outcome-error");

		private final String styleClass;

		Family(String styleClass) {
			this.styleClass = styleClass;
		}

		public String styleClass() {
			return styleClass;
		}
	}

	private static RefusalKind of(String label, String explanation, Family family) {
		return new RefusalKind(label, explanation, family);
	}

	private static final Map<String, RefusalKind> BY_REASON = Map.ofEntries(
			Map.entry("rate_limited", of("Rate limit", "Over the agent's requests-per-minute or requests-at-once limit (its own, or on this connection);"
					+ " it may try again after Retry-After.", Family.LIMIT)),
			Map.entry("budget_exceeded", of("Budget spent", "The agent has used up a daily or monthly budget (dollars or tokens); new LLM requests"
					+ " are refused until it resets.", Family.LIMIT)),
			Map.entry("model_denied", of("Model not allowed", "The request named a model outside the agent's model list (or a body the broker"
					+ " could not read for its model).", Family.POLICY)),
			Map.entry("approval_denied", of("Not approved", "The request needed a person's approval and was denied (or no app was running to"
					+ " ask).", Family.POLICY)),
			Map.entry("approval_timeout", of("Approval timed out", "The request needed a person's approval and nobody answered within 60 s.",
					Family.POLICY)),
			Map.entry("scope_denied", of("Outside grant", "The agent's grants do not cover this method or path on this connection.", Family.POLICY)),
			Map.entry("tool_denied", of("Tool not granted", "The MCP tool called is outside the agent's grant.", Family.POLICY)),
			Map.entry("host_not_allowed", of("Host not allowed", "Proxy mode: the agent may not reach this host.", Family.POLICY)),
			Map.entry("grant_too_wide", of("Grant too wide", "A child key asked for more than its parent agent has.", Family.POLICY)),
			Map.entry("unknown_connection", of("No such connection", "The request named a connection that does not exist.", Family.POLICY)),
			Map.entry("secret_in_request", of("Secret in request", "The request carried a real secret the broker holds, or another agent's key;"
					+ " it was stopped before that reached the upstream. Find out how the agent got it.", Family.ALARM)),
			Map.entry("decoy_used", of("Decoy key used", "Someone used a decoy key, which nothing should ever use: it has leaked.", Family.ALARM)),
			Map.entry("unknown_key", of("Unknown key", "The key shown belongs to no agent.", Family.KEY)),
			Map.entry("invalid_key", of("Malformed key", "No well-formed agent key was shown.", Family.KEY)),
			Map.entry("proxy_auth_required", of("No key", "Proxy mode: the request showed no agent key.", Family.KEY)),
			Map.entry("revoked_key", of("Agent revoked", "The agent is revoked (or paused); 'Enable' restores it.", Family.KEY)),
			Map.entry("expired_key", of("Key expired", "The agent's key has expired.", Family.KEY)),
			Map.entry("agent_inactive", of("Agent inactive", "The agent is not active.", Family.KEY)),
			Map.entry("bad_request", of("Bad request", "The request was malformed, or its body could not be checked.", Family.POLICY)),
			Map.entry("bad_host", of("Bad Host header", "The request's Host was not this broker's loopback address.", Family.POLICY)),
			Map.entry("request_too_large", of("Too large", "The request was larger than the broker accepts.", Family.POLICY)),
			Map.entry("request_timeout", of("Request timed out", "The agent took too long to send its request.", Family.ERROR)),
			Map.entry("client_closed", of("Agent left", "The agent closed the connection before the answer ended.", Family.ERROR)),
			Map.entry("upstream_unreachable", of("Upstream unreachable", "The provider could not be reached.", Family.ERROR)),
			Map.entry("upstream_timeout", of("Upstream timed out", "The provider did not answer in time.", Family.ERROR)),
			Map.entry("connection_unavailable", of("Connection unavailable", "The connection's secret could not be read.", Family.ERROR)),
			Map.entry("connection_needs_reauth", of("Sign in again", "The connection's sign-in has expired; reconnect it.", Family.ERROR)),
			Map.entry("token_refresh_failed", of("Token refresh failed", "The connection's OAuth token could not be refreshed.", Family.ERROR)),
			Map.entry("internal_error", of("Broker error", "The broker failed; its log says why.", Family.ERROR)));

	/** What the row's outcome is called; an unlisted reason shows as itself. */
	public static RefusalKind of(AuditEvent e) {
		if (Decision.ALLOWED.equals(e.decision())) {
			return of("Allowed", "Forwarded to the upstream (whatever it answered).", Family.ALLOWED);
		}
		RefusalKind known = e.reason() == null ? null : BY_REASON.get(e.reason());
		if (known != null) {
			return known;
		}
		boolean error = Decision.ERROR.equals(e.decision());
		return of(e.reason() == null ? (error ? "Error" : "Denied") : e.reason(), error ? "The broker or the upstream failed." : "Refused by the broker.",
				error ? Family.ERROR : Family.POLICY);
	}

	/** "Rate limit: Over the agent's …", what a screen reader reads for the cell. */
	public String spoken() {
		return label + ": " + explanation;
	}
}
