package dev.amk.proxy;

import dev.amk.agents.GrantRule;
import dev.amk.common.ErrorType;
import dev.amk.providers.ProviderSpec;

import java.util.List;

/**
 * Git over HTTPS ("smart HTTP") on a GitHub connection's hosts: what a request does is in its path and {@code service}
 * parameter, not its method. A fetch or clone is {@code GET …/info/refs?service=git-upload-pack} then
 * {@code POST …/git-upload-pack}; a push is {@code GET …/info/refs?service=git-receive-pack} then
 * {@code POST …/git-receive-pack}. So grants are checked against what the request does: an upload-pack exchange as
 * a read (GET), a receive-pack exchange as a write (POST), whatever the method on the wire. The {@code read} preset
 * thus allows fetch and clone and never push, and the push is refused at its first request, before any pack is sent.
 */
final class GitSmartHttp {
	static final String UPLOAD = "git-upload-pack";
	static final String RECEIVE = "git-receive-pack";

	private GitSmartHttp() {
	}

	/** The git service a request belongs to, or null when it is not a smart-HTTP request. */
	static String service(String method, List<String> segments, List<QueryParameter> query) {
		if (segments.isEmpty()) {
			return null;
		}
		String last = segments.getLast();
		if ("POST".equals(method) && (last.equals(UPLOAD) || last.equals(RECEIVE))) {
			return last;
		}
		if (("GET".equals(method) || "HEAD".equals(method)) && last.equals("refs") && segments.size() >= 2
				&& segments.get(segments.size() - 2).equals("info")) {
			List<String> services = query.stream().filter(p -> p.decodedName().equals("service")).map(QueryParameter::decodedValue).toList();
			if (services.size() == 1 && (services.getFirst().equals(UPLOAD) || services.getFirst().equals(RECEIVE))) {
				return services.getFirst();
			}
			if (services.size() > 1) {
				return RECEIVE; // ambiguous: judged as the stricter of the two
			}
		}
		return null;
	}

	/**
	 * The method the grant is checked against: GET for upload-pack, POST for receive-pack, the request's own otherwise.
	 * Only on GitHub connections, whose git hosts speak this protocol.
	 *
	 * @param rule the agent's grant on the connection, or null when it has none (then nothing changes: Authorisation refuses)
	 */
	static String authorisedMethod(ProviderSpec provider, GrantRule rule, String method, List<String> segments, List<QueryParameter> query)
			throws Refused {
		if (!"github".equals(provider.id())) {
			return method;
		}
		String service = service(method, segments, query);
		if (service == null) {
			return method;
		}
		if (service.equals(RECEIVE)) {
			if (rule != null && !(rule.allowsMethod("POST") && rule.allowsPath(segments))) {
				throw Refused.of(ErrorType.SCOPE_DENIED, "git push is a write: this agent's grant on the connection (" + rule.describe()
						+ ") allows fetch and clone only. Grant the connection in full (or with POST) to push.");
			}
			return "POST";
		}
		return "GET";
	}
}
