package dev.amk.cloud;

import dev.amk.common.AmkException;
import dev.amk.common.InvalidInput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one profile of the AWS shared credentials file ({@code ~/.aws/credentials}, or {@code AWS_SHARED_CREDENTIALS_FILE}),
 * the INI format the CLI and every SDK write: {@code [name]} sections of {@code key = value} lines. Only the three
 * key fields are read; the file is never changed here (the person removes the plaintext entry, see {@link #removalHint}).
 */
public final class AwsProfiles {
	private AwsProfiles() {
	}

	/** The credentials file the AWS tools use for this environment. */
	public static Path credentialsFile(Map<String, String> env, Path home) {
		String override = env.get("AWS_SHARED_CREDENTIALS_FILE");
		return override != null && !override.isBlank() ? Path.of(override) : home.resolve(".aws").resolve("credentials");
	}

	public static AwsAccount read(Path file, String profile, String region, String roleArn) {
		String text;
		try {
			text = Files.readString(file);
		} catch (IOException e) {
			throw AmkException.invalid("Cannot read " + file + " (" + e.getClass().getSimpleName() + "). Give the keys on stdin instead.");
		}
		Map<String, String> fields = section(text, profile);
		if (fields == null) {
			throw AmkException.invalid("Profile '" + profile + "' is not in " + file + ". Check the name with: grep '^\\[' " + file);
		}
		String id = fields.get("aws_access_key_id");
		String secret = fields.get("aws_secret_access_key");
		if (id == null || secret == null) {
			throw AmkException.invalid("Profile '" + profile + "' in " + file + " has no aws_access_key_id and aws_secret_access_key"
					+ " (an SSO or role profile holds no keys to move). Give the keys on stdin instead.");
		}
		try {
			return new AwsAccount(id, secret, fields.get("aws_session_token"), region, roleArn);
		} catch (InvalidInput e) {
			throw switch (e.field()) {
				// The keys came from the file, not from where the front door takes them: name them where they are.
				case AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN -> new InvalidInput(e.field(), e.problem(), e.message(inFile(file, profile)));
				default -> e;
			};
		}
	}

	/** Names the key fields as the lines of the profile they were read from. */
	private static InvalidInput.Wording inFile(Path file, String profile) {
		return field -> switch (field) {
			case AWS_ACCESS_KEY_ID -> "aws_access_key_id of [" + profile + "] in " + file;
			case AWS_SECRET_ACCESS_KEY -> "aws_secret_access_key of [" + profile + "] in " + file;
			case AWS_SESSION_TOKEN -> "aws_session_token of [" + profile + "] in " + file;
			default -> InvalidInput.NEUTRAL.name(field);
		};
	}

	/** What the person runs to delete the plaintext copy once the keys are in the keychain. */
	public static String removalHint(Path file, String profile) {
		return "The keys are now in the keychain; remove the plaintext copy from " + file + ": delete the [" + profile + "] section (its"
				+ " aws_access_key_id and aws_secret_access_key lines), for example with: aws configure set aws_access_key_id '' --profile " + profile
				+ " && aws configure set aws_secret_access_key '' --profile " + profile + " ; then rotate the key in the IAM console if other"
				+ " copies may exist.";
	}

	private static Map<String, String> section(String text, String profile) {
		Map<String, String> current = null;
		Map<String, String> found = null;
		for (String raw : text.lines().toList()) {
			String line = raw.strip();
			if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
				continue;
			}
			if (line.startsWith("[") && line.endsWith("]")) {
				String name = line.substring(1, line.length() - 1).strip();
				current = name.equals(profile) ? new HashMap<>() : null;
				if (current != null) {
					found = current;
				}
				continue;
			}
			int eq = line.indexOf('=');
			if (current != null && eq > 0) {
				current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
			}
		}
		return found;
	}
}
