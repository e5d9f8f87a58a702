package dev.amk.cloud;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-agent STS session credentials for each AWS connection: AssumeRole when the connection names a role, else
 * GetFederationToken, either way with the grant's session policy, so that AWS's own policy engine enforces the
 * grant. Cached per agent × connection × scope, renewed {@link #RENEW_BEFORE} before they expire (by the injected
 * clock), and dropped when the grant or the agent ends ({@link #retain}). The STS call goes through the broker's own
 * upstream client, so it follows the same host mapping as the agents' requests, and is signed by {@link SigV4}.
 */
public final class AwsSessions {
	static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
	private static final Duration LIFETIME = Duration.ofHours(1);
	private static final Pattern SAFE_NAME = Pattern.compile("[^\\w+=,.@-]");

	/** Whose session: one per agent, connection (and its secret, which changes when the keys do) and scope. */
	public record Key(long agentId, String connection, String secretRef, CloudScope scope) {
	}

	record Session(AwsAccount.Credentials credentials, Instant expiration) {
	}

	private final OkHttpClient client;
	private final Clock clock;
	private final Map<Key, Session> cache = new ConcurrentHashMap<>();

	public AwsSessions(OkHttpClient client, Clock clock) {
		this.client = client;
		this.clock = clock;
	}

	/** The session for {@code key}, from the cache while it has more than {@link #RENEW_BEFORE} left, else a fresh one. */
	AwsAccount.Credentials credentials(Key key, String agentName, AwsAccount account) {
		Session s = cache.get(key);
		if (s != null && clock.instant().isBefore(s.expiration().minus(RENEW_BEFORE))) {
			return s.credentials();
		}
		synchronized (this) {
			s = cache.get(key);
			if (s == null || !clock.instant().isBefore(s.expiration().minus(RENEW_BEFORE))) {
				s = obtain(key, agentName, account);
				cache.put(key, s);
			}
			return s.credentials();
		}
	}

	/** Drops every session whose key no longer describes a live grant: revocation ends them at once. */
	public void retain(Predicate<Key> live) {
		cache.keySet().removeIf(live.negate());
	}

	public int size() {
		return cache.size();
	}

	private Session obtain(Key key, String agentName, AwsAccount account) {
		String region = account.region();
		FormBody.Builder form = new FormBody.Builder().add("Version", "2011-06-15").add("DurationSeconds", String.valueOf(LIFETIME.toSeconds()));
		String name = sessionName(agentName);
		if (account.roleArn() != null) {
			form.add("Action", "AssumeRole").add("RoleArn", account.roleArn()).add("RoleSessionName", name);
		} else {
			form.add("Action", "GetFederationToken").add("Name", name);
		}
		CloudScope scope = key.scope();
		for (int i = 0; i < scope.policyArns().size(); i++) {
			form.add("PolicyArns.member." + (i + 1) + ".arn", scope.policyArns().get(i));
		}
		String policy = scope.policy() != null ? scope.policy() : account.roleArn() == null && scope.policyArns().isEmpty() ? CloudScope.ALLOW_ALL : null;
		if (policy != null) {
			form.add("Policy", policy);
		}
		byte[] body = bytes(form.build());
		HttpUrl url = HttpUrl.get("https://sts." + region + ".amazonaws.com/");
		Headers unsigned = new Headers.Builder().add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build();
		Headers signature = SigV4.sign("POST", url, unsigned, body, account.credentials(), region, "sts", clock);
		Request request = new Request.Builder().url(url).headers(merge(unsigned, signature))
				.post(RequestBody.create(body, MediaType.get("application/x-www-form-urlencoded; charset=utf-8"))).build();
		try (Response response = client.newCall(request).execute()) {
			String xml = response.body().string();
			if (!response.isSuccessful()) {
				throw new AmkException(ErrorType.CONNECTION_UNAVAILABLE, "AWS STS refused to issue this agent's session credentials for connection '"
						+ key.connection() + "' (" + response.code() + " " + tag(xml, "Code") + ": " + tag(xml, "Message") + "). Check the keys'"
						+ " IAM permissions (sts:" + (account.roleArn() != null ? "AssumeRole" : "GetFederationToken") + ").");
			}
			AwsAccount.Credentials credentials = new AwsAccount.Credentials(tag(xml, "AccessKeyId"), tag(xml, "SecretAccessKey"), tag(xml, "SessionToken"));
			String expiration = tag(xml, "Expiration");
			if (credentials.accessKeyId() == null || credentials.secretAccessKey() == null || credentials.sessionToken() == null || expiration == null) {
				throw new AmkException(ErrorType.CONNECTION_UNAVAILABLE, "AWS STS answered without session credentials for connection '"
						+ key.connection() + "'.");
			}
			return new Session(credentials, Instant.parse(expiration));
		} catch (IOException e) {
			throw new AmkException(ErrorType.UPSTREAM_UNREACHABLE, "AWS STS (" + url.host() + ") could not be reached for this agent's session"
					+ " credentials. Check the network.");
		}
	}

	static Headers merge(Headers a, Headers b) {
		return a.newBuilder().addAll(b).build();
	}

	/** RoleSessionName / federated user name: 2–32 characters of [\w+=,.@-]; the agent's name, so CloudTrail shows who. */
	static String sessionName(String agentName) {
		String n = "amk-" + SAFE_NAME.matcher(agentName).replaceAll("-");
		return n.length() > 32 ? n.substring(0, 32) : n;
	}

	static String tag(String xml, String name) {
		Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
		return m.find() ? m.group(1) : null;
	}

	static byte[] bytes(RequestBody body) {
		try (Buffer buffer = new Buffer()) {
			body.writeTo(buffer);
			return buffer.readByteArray();
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
