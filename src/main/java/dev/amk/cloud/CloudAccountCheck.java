package dev.amk.cloud;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.Json;
import dev.amk.providers.ProviderSpec;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Proves that a cloud account's keys work, with one harmless call made exactly as the broker makes its own: for AWS,
 * {@code sts:GetCallerIdentity} signed by {@link SigV4} with the account's keys (it needs no IAM permission, so it
 * tests the keys and nothing else); for Google Cloud, an access token minted with the service-account key at its token
 * endpoint ({@link GcpTokens#assertion}), which is then dropped. The Test buttons of the app and the connection test
 * use it, for keys being typed and for saved connections alike. Messages say what happened and what to do, and never
 * contain a secret.
 */
public final class CloudAccountCheck {
	private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded; charset=utf-8");

	/**
	 * What the cloud answered.
	 *
	 * @param status  its HTTP status
	 * @param message for a person: who the keys are, or why they were refused and what to do
	 */
	public record Answer(boolean ok, int status, String message) {
	}

	private final OkHttpClient client;
	private final Clock clock;

	/** @param client the client the check is sent with: the broker's own, so that it follows the same host mapping and deadlines */
	public CloudAccountCheck(OkHttpClient client, Clock clock) {
		this.client = client;
		this.clock = clock;
	}

	/**
	 * Tests the keychain item of a {@code provider} that signs requests ({@link ProviderSpec#signsRequests()}).
	 *
	 * @param hostMap where a call for a URL really goes (a connection's host maps), identity for a draft
	 * @throws dev.amk.common.InvalidInput  when the item is not a key of that provider
	 * @throws AmkException {@code upstream_unreachable} or {@code upstream_timeout} when no answer came
	 */
	public Answer check(ProviderSpec provider, String secret, UnaryOperator<HttpUrl> hostMap) {
		if (provider.id().equals("gcp")) {
			return gcp(GcpServiceAccount.fromJson(secret), hostMap);
		}
		return aws(AwsAccount.fromSecret(secret), hostMap);
	}

	/** {@code sts:GetCallerIdentity} at the account's region, signed with its keys: the account and ARN they belong to. */
	public Answer aws(AwsAccount account, UnaryOperator<HttpUrl> hostMap) {
		String region = account.region();
		byte[] body = AwsSessions.bytes(new FormBody.Builder().add("Action", "GetCallerIdentity").add("Version", "2011-06-15").build());
		HttpUrl url = HttpUrl.get("https://sts." + region + ".amazonaws.com/");
		Headers unsigned = new Headers.Builder().add("Content-Type", FORM.toString()).build();
		Headers signature = SigV4.sign("POST", url, unsigned, body, account.credentials(), region, "sts", clock);
		Request request = new Request.Builder().url(hostMap.apply(url)).headers(AwsSessions.merge(unsigned, signature))
				.post(RequestBody.create(body, FORM)).build();
		String who = "AWS STS (" + url.host() + ")";
		try (Response response = client.newCall(request).execute()) {
			String xml = response.body().string();
			if (response.isSuccessful()) {
				String arn = AwsSessions.tag(xml, "Arn");
				String accountId = AwsSessions.tag(xml, "Account");
				if (arn == null || accountId == null) {
					return new Answer(false, response.code(), who + " answered without saying whose keys these are. Check the region, then test again.");
				}
				return new Answer(true, response.code(), "The keys work: they belong to AWS account " + accountId + " (" + arn + ")."
						+ (account.roleArn() == null ? "" : " Each agent's session assumes " + account.roleArn() + "; the keys need sts:AssumeRole on it."));
			}
			return new Answer(false, response.code(), awsRefusal(response.code(), AwsSessions.tag(xml, "Code")));
		} catch (InterruptedIOException e) {
			throw new AmkException(ErrorType.UPSTREAM_TIMEOUT, who + " did not answer in time. Check your network, then test again.");
		} catch (IOException e) {
			throw new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "Could not reach " + who + ". Check your network and the region, then test again.");
		}
	}

	/** Mints one access token with the key (read-only scope) and drops it: Google's token endpoint checks the key. */
	public Answer gcp(GcpServiceAccount account, UnaryOperator<HttpUrl> hostMap) {
		HttpUrl tokenUrl = HttpUrl.get(account.tokenUri());
		String assertion = GcpTokens.assertion(account, GcpTokens.CLOUD_PLATFORM_READ_ONLY, clock.instant());
		Request request = new Request.Builder().url(hostMap.apply(tokenUrl)).post(new FormBody.Builder()
				.add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer").add("assertion", assertion).build()).build();
		String who = "Google's token endpoint (" + tokenUrl.host() + ")";
		try (Response response = client.newCall(request).execute()) {
			Map<String, Object> json;
			try {
				json = Json.readObject(response.body().string());
			} catch (RuntimeException notJson) {
				json = Map.of();
			}
			if (response.isSuccessful() && json.get("access_token") instanceof String) {
				return new Answer(true, response.code(), "The key works: Google issued an access token for " + account.clientEmail()
						+ (account.projectId() == null ? "" : " (project " + account.projectId() + ")") + ".");
			}
			String error = json.get("error") instanceof String s ? s : "";
			return new Answer(false, response.code(), gcpRefusal(response.code(), error, account));
		} catch (InterruptedIOException e) {
			throw new AmkException(ErrorType.UPSTREAM_TIMEOUT, who + " did not answer in time. Check your network, then test again.");
		} catch (IOException e) {
			throw new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "Could not reach " + who + ". Check your network, then test again.");
		}
	}

	/** STS's error codes in words; only the code is used, never the message, which may quote the request. */
	static String awsRefusal(int status, String code) {
		String said = "AWS refused the keys (" + status + (code == null ? "" : " " + code) + "). ";
		return said + switch (code == null ? "" : code) {
			case "InvalidClientTokenId", "UnrecognizedClientException" -> "AWS does not know this access key id: check it, and that the key is"
					+ " still active in the IAM console (Users → Security credentials), then test again.";
			case "SignatureDoesNotMatch", "IncompleteSignature" -> "The secret access key does not belong to this access key id: paste it"
					+ " again, whole, then test again. (An unknown access key id can also show this way.)";
			case "ExpiredToken", "ExpiredTokenException" -> "The session token has expired. Temporary keys last hours: give long-term"
					+ " keys (AKIA…), or fresh temporary keys with their session token.";
			case "InvalidToken", "MissingAuthenticationToken" -> "Temporary keys (ASIA…) need their session token: paste it in the session"
					+ " token field too, or give long-term keys.";
			case "AccessDenied", "AccessDeniedException" -> "The keys were recognised but may not call STS: check the IAM policies and"
					+ " any service control policy of the account.";
			default -> "Check the keys and the region, then test again.";
		};
	}

	static String gcpRefusal(int status, String error, GcpServiceAccount account) {
		String said = "Google refused the key (" + status + (error.isEmpty() ? "" : " " + error) + "). ";
		return said + switch (error) {
			case "invalid_grant" -> "The key may have been deleted or disabled, or the service account " + account.clientEmail()
					+ " removed. Create a new key in the Google Cloud console (IAM & Admin → Service accounts → Keys), then test again.";
			case "unauthorized_client", "invalid_client" -> "The service account " + account.clientEmail() + " is disabled or may not"
					+ " mint tokens. Check it in the Google Cloud console, then test again.";
			default -> status >= 500 ? "Google has a problem right now. Try again in a few minutes."
					: "Check that the key file is the one the Google Cloud console downloaded, then test again.";
		};
	}
}
