package dev.amk.cloud;

import dev.amk.agents.GrantRule;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import okhttp3.Request;

import java.util.function.Function;

/**
 * The proxy's one call into this package: an intercepted request of a provider that signs rather than injects
 * ({@link dev.amk.providers.ProviderSpec#signsRequests()}) is finished here, for the agent that sent it: AWS requests
 * re-signed with SigV4 ({@link AwsRequestSigning}), Google Cloud requests given a service-account token for the
 * grant's scopes ({@link GcpTokens}).
 */
public final class CloudSigning {
	private final AwsRequestSigning aws;
	private final GcpTokens gcp;

	public CloudSigning(AwsRequestSigning aws, GcpTokens gcp) {
		this.aws = aws;
		this.gcp = gcp;
	}

	/** @throws dev.amk.common.AmkException with the refusal the agent is sent */
	public Request sign(Request unsigned, Function<String, String> agentHeader, Connection connection, long agentId, String agentName,
			GrantRule rule, String secret) {
		if (connection.provider().id().equals("gcp")) {
			String scopes = GcpTokens.scopes(rule);
			GcpServiceAccount account;
			try {
				account = GcpServiceAccount.fromJson(secret);
			} catch (RuntimeException e) {
				throw new AmkException(ErrorType.CONNECTION_UNAVAILABLE, "The keychain item of connection '" + connection.name() + "' is not a"
						+ " service-account key. Remove the connection and add it again with 'amk connection add NAME --provider gcp'.");
			}
			String token = gcp.token(connection.secretRef(), connection.name(), account, scopes);
			return unsigned.newBuilder().header("Authorization", "Bearer " + token).build();
		}
		return aws.sign(unsigned, agentHeader, connection, agentId, agentName, rule, secret);
	}

	public AwsSessions awsSessions() {
		return aws.sessions();
	}
}
