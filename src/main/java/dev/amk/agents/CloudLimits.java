package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of a grant on a cloud connection that the cloud itself enforces: an IAM session policy
 * ({@code CONN:policy=FILE.json}, the file's JSON kept inline) or the services the broker lets through before signing
 * ({@code CONN:services=s3,sts}). A plain or {@code read} grant has none.
 *
 * @param sessionPolicy compact JSON, or null
 * @param services      AWS signing names; empty: every service
 */
public record CloudLimits(String sessionPolicy, Set<String> services) {
	/** GetFederationToken and AssumeRole take at most this many characters of inline policy. */
	static final int MAX_POLICY = 2048;
	private static final Pattern SERVICE = Pattern.compile("[a-z0-9-]{1,64}");

	public CloudLimits {
		services = Set.copyOf(services);
	}

	static boolean isCloudSpec(String spec) {
		String s = spec.strip().toLowerCase(Locale.ROOT);
		return s.startsWith("services=") || s.startsWith("policy=");
	}

	static CloudLimits parse(String spec) {
		String s = spec.strip();
		if (s.toLowerCase(Locale.ROOT).startsWith("services=")) {
			Set<String> services = new LinkedHashSet<>();
			for (String raw : s.substring("services=".length()).split(",")) {
				String name = raw.strip().toLowerCase(Locale.ROOT);
				if (!SERVICE.matcher(name).matches()) {
					throw AmkException.invalid("'" + raw.strip() + "' is not an AWS service name; use signing names such as s3,sts,dynamodb.");
				}
				services.add(name);
			}
			if (services.isEmpty()) { // "services=," (found by GrantRuleFuzzTest): it would print back as an unreadable grant
				throw AmkException.invalid("'services=' names no service; use signing names such as s3,sts,dynamodb.");
			}
			return new CloudLimits(null, services);
		}
		String given = s.substring("policy=".length()).strip();
		Path file;
		try {
			file = Path.of(given);
		} catch (java.nio.file.InvalidPathException e) {
			// A NUL or another character no file name can hold (found by GrantRuleFuzzTest): bad input, not a crash.
			throw AmkException.invalid("'" + given.replace('\0', '?') + "' is not a file path. Give the path of an IAM policy JSON file.");
		}
		return new CloudLimits(readPolicy(file), Set.of());
	}

	/** The policy file as compact JSON: a JSON object, small enough for STS. */
	private static String readPolicy(Path file) {
		String text;
		try {
			text = Files.readString(file);
		} catch (IOException e) {
			throw AmkException.invalid("Cannot read the session policy " + file + ". Give the path of an IAM policy JSON file.");
		}
		Map<String, Object> policy;
		try {
			policy = Json.readObject(text);
		} catch (RuntimeException e) {
			throw AmkException.invalid(file + " is not JSON. A session policy is an IAM policy document: {\"Version\":\"2012-10-17\",\"Statement\":[…]}.");
		}
		if (!policy.containsKey("Statement")) {
			throw AmkException.invalid(file + " has no \"Statement\"; it must be an IAM policy document.");
		}
		String compact = Json.write(policy);
		if (compact.length() > MAX_POLICY) {
			throw AmkException.invalid("The session policy is " + compact.length() + " characters; AWS takes at most " + MAX_POLICY
					+ ". Use a managed policy or a shorter document.");
		}
		return compact;
	}

	/** As typed back on the command line; an inline policy cannot be, so it shows as {@code policy=(inline)}. */
	String toSpec() {
		return sessionPolicy != null ? "policy=(inline)" : "services=" + String.join(",", services.stream().sorted().toList());
	}

	String describe() {
		return sessionPolicy != null ? "session policy" : "services " + String.join(", ", services.stream().sorted().toList());
	}

	static CloudLimits fromColumns(String sessionPolicy, String services) {
		if (sessionPolicy == null && services == null) {
			return null;
		}
		return new CloudLimits(sessionPolicy, services == null || services.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(services.split(","))));
	}

	String servicesColumn() {
		return services.isEmpty() ? null : String.join(",", services.stream().sorted().toList());
	}
}
