package dev.amk.cloud;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An AWS connection's keychain item: the long-term access key (and its session token, when the person gave
 * temporary keys), with the default region and the role to assume. Region and role are not secret, but they
 * travel with the keys so that one keychain item describes the account and the registry needs no column for them.
 * Stored as one line of JSON; {@link #toString()} never shows the secret.
 *
 * @param sessionToken null for long-term keys
 * @param roleArn      null: per-agent credentials come from GetFederationToken instead of AssumeRole
 */
public record AwsAccount(String accessKeyId, String secretAccessKey, String sessionToken, String region, String roleArn) {
	public static final String DEFAULT_REGION = "us-east-1";
	private static final Pattern KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
	private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
	private static final Pattern ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

	/**
	 * The rules for each field, said once for every front door: the CLI names the lines of stdin, the app its fields
	 * ({@link InvalidInput.Wording}). Blank optional fields (token, role) mean none. No message quotes a secret.
	 */
	public AwsAccount {
		sessionToken = sessionToken == null || sessionToken.isBlank() ? null : sessionToken.strip();
		roleArn = roleArn == null || roleArn.isBlank() ? null : roleArn.strip();
		accessKeyId = accessKeyId == null ? null : accessKeyId.strip();
		if (accessKeyId == null || accessKeyId.isEmpty()) {
			throw new InvalidInput(Field.AWS_ACCESS_KEY_ID, Problem.MISSING, w -> "Give the AWS access key id (AKIA… or ASIA…) in "
					+ w.name(Field.AWS_ACCESS_KEY_ID) + ".");
		}
		if (!KEY_ID.matcher(accessKeyId).matches()) {
			throw new InvalidInput(Field.AWS_ACCESS_KEY_ID, Problem.MALFORMED, w -> "An AWS access key id is 16 or more capital letters and digits,"
					+ " starting AKIA… (long-term keys) or ASIA… (temporary ones). Check " + w.name(Field.AWS_ACCESS_KEY_ID) + ".");
		}
		if (secretAccessKey == null || secretAccessKey.isBlank()) {
			throw new InvalidInput(Field.AWS_SECRET_ACCESS_KEY, Problem.MISSING, w -> "Give the AWS secret access key in "
					+ w.name(Field.AWS_SECRET_ACCESS_KEY) + ".");
		}
		if (secretAccessKey.chars().anyMatch(c -> c <= 0x20 || c > 0x7e)) {
			throw new InvalidInput(Field.AWS_SECRET_ACCESS_KEY, Problem.MALFORMED, w -> "An AWS secret access key is printable ASCII without"
					+ " spaces. Check " + w.name(Field.AWS_SECRET_ACCESS_KEY) + ": it should hold just the key.");
		}
		if (sessionToken != null && sessionToken.chars().anyMatch(c -> c <= 0x20 || c > 0x7e)) {
			throw new InvalidInput(Field.AWS_SESSION_TOKEN, Problem.MALFORMED, w -> "An AWS session token is printable ASCII without spaces."
					+ " Check " + w.name(Field.AWS_SESSION_TOKEN) + ".");
		}
		region = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
		String r = region;
		if (!REGION.matcher(region).matches()) {
			throw new InvalidInput(Field.REGION, Problem.MALFORMED, w -> "'" + r + "' is not an AWS region name such as us-east-1 or eu-west-3."
					+ " Check " + w.name(Field.REGION) + ".");
		}
		String role = roleArn;
		if (role != null && !ROLE.matcher(role).matches()) {
			throw new InvalidInput(Field.ROLE_ARN, Problem.MALFORMED, w -> "'" + role + "' is not an IAM role ARN such as"
					+ " arn:aws:iam::123456789012:role/agents. Check " + w.name(Field.ROLE_ARN) + ", or leave it empty.");
		}
	}

	/** From stdin: key id and secret on two lines, an optional third with the session token. */
	public static AwsAccount fromLines(String text, String region, String roleArn) {
		List<String> lines = text == null ? List.of() : text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
		if (lines.size() < 2 || lines.size() > 3) {
			// Only the command line reads the keys as lines: its own words.
			throw new InvalidInput(Field.AWS_SECRET_ACCESS_KEY, Problem.MISSING, "Give the AWS access key id and the secret access key on"
					+ " two lines of stdin (a third line: a session token), or use --from-profile.");
		}
		return new AwsAccount(lines.get(0), lines.get(1), lines.size() == 3 ? lines.get(2) : null, region, roleArn);
	}

	/** The keychain item's text. */
	public String toSecret() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("accessKeyId", accessKeyId);
		m.put("secretAccessKey", secretAccessKey);
		if (sessionToken != null) {
			m.put("sessionToken", sessionToken);
		}
		m.put("region", region);
		if (roleArn != null) {
			m.put("roleArn", roleArn);
		}
		return Json.write(m);
	}

	public static AwsAccount fromSecret(String secret) {
		Map<String, Object> m;
		try {
			m = Json.readObject(secret);
		} catch (RuntimeException e) {
			// Never the parser's message: it may quote the item.
			throw new dev.amk.common.AmkException(dev.amk.common.ErrorType.CONNECTION_UNAVAILABLE, "The connection's keychain item is not an AWS"
					+ " key set. Remove the connection and add it again with 'amk connection add NAME --provider aws'.");
		}
		return new AwsAccount((String) m.get("accessKeyId"), (String) m.get("secretAccessKey"), (String) m.get("sessionToken"), (String) m.get("region"),
				(String) m.get("roleArn"));
	}

	public Credentials credentials() {
		return new Credentials(accessKeyId, secretAccessKey, sessionToken);
	}

	@Override
	public String toString() {
		return "AwsAccount[" + accessKeyId + ", " + region + (roleArn == null ? "" : ", " + roleArn) + "]";
	}

	/** What a request is signed with. {@code sessionToken} null for long-term keys. */
	public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
		@Override
		public String toString() {
			return "Credentials[" + accessKeyId + "]";
		}
	}
}
