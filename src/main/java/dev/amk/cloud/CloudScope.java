package dev.amk.cloud;

import dev.amk.agents.GrantRule;

import java.util.List;
import java.util.Set;

/**
 * What a grant on an AWS connection lets the agent do, as AWS's policy engine will enforce it: the session policy
 * its per-agent credentials carry, and the services the broker itself lets through before signing.
 *
 * @param policyArns managed policies the session is limited to ({@code read}: ReadOnlyAccess)
 * @param policy     an inline session policy (JSON), or null
 * @param services   the AWS services (signing names) allowed; empty: every service
 */
public record CloudScope(List<String> policyArns, String policy, Set<String> services) {
	public static final String READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";
	/**
	 * GetFederationToken without a policy yields a session that may do nothing; this one leaves the keys' own
	 * permissions as the limit, which is what a plain {@code NAME} grant means.
	 */
	static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

	public CloudScope {
		policyArns = List.copyOf(policyArns);
		services = Set.copyOf(services);
	}

	/** The scope a stored grant rule gives. */
	public static CloudScope of(GrantRule rule) {
		if (rule.preset() == GrantRule.Preset.READ) {
			return new CloudScope(List.of(READ_ONLY_ACCESS), null, Set.of());
		}
		if (rule.cloud() != null) {
			return new CloudScope(List.of(), rule.cloud().sessionPolicy(), rule.cloud().services());
		}
		return new CloudScope(List.of(), null, Set.of());
	}

	boolean allowsService(String service) {
		return services.isEmpty() || services.contains(service);
	}
}
