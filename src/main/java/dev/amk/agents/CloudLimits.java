package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The part of a grant on a cloud connection that the cloud itself enforces: on AWS an IAM session policy
 * ({@code CONN:policy=FILE.json}, the file's JSON kept inline) or the services the broker lets through before signing
 * ({@code CONN:services=s3,sts}); on Google Cloud the OAuth scopes of the tokens minted for the agent
 * ({@code CONN:scopes=devstorage.read_only,bigquery}). A plain or {@code read} grant has none. One grant has one kind.
 *
 * <p>Stored in the columns of {@code V7__cloud.sql}: the scopes share the {@code services} column with AWS's service
 * names, which they cannot be mistaken for (a scope is an https URL; a service name has no {@code :} or {@code /}).
 * That saves a migration for a list that is, for Google Cloud, what the services list is for AWS: what the grant reaches.
 *
 * @param sessionPolicy compact JSON, or null
 * @param services      AWS signing names; empty: every service
 * @param scopes        Google OAuth scope URLs; empty: the default scope (cloud-platform, or its read-only form)
 */
public record CloudLimits(String sessionPolicy, Set<String> services, Set<String> scopes) {
	/** GetFederationToken and AssumeRole take at most this many characters of inline policy. */
	static final int MAX_POLICY = 2048;
	/** Where Google's OAuth scopes for its APIs live; a scope given by its short name is this plus the name. */
	public static final String GOOGLE_SCOPE_PREFIX = "https://www.googleapis.com/auth/";
	private static final Pattern SERVICE = Pattern.compile("[a-z0-9-]{1,64}");
	private static final Pattern SCOPE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

	public CloudLimits {
		services = Set.copyOf(services);
		scopes = Set.copyOf(scopes);
	}

	/** An AWS limit: a session policy or a service list. */
	public CloudLimits(String sessionPolicy, Set<String> services) {
		this(sessionPolicy, services, Set.of());
	}

	static boolean isCloudSpec(String spec) {
		String s = spec.strip().toLowerCase(Locale.ROOT);
		return s.startsWith("services=") || s.startsWith("policy=") || s.startsWith("scopes=");
	}

	/** Whether this limit is Google Cloud's ({@code scopes=}) rather than AWS's ({@code policy=}, {@code services=}). */
	public boolean isGoogle() {
		return !scopes.isEmpty();
	}

	static CloudLimits parse(String spec) {
		String s = spec.strip();
		if (s.toLowerCase(Locale.ROOT).startsWith("scopes=")) {
			return new CloudLimits(null, Set.of(), parseScopes(s.substring("scopes=".length())));
		}
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

	/**
	 * {@code devstorage.read_only,https://www.googleapis.com/auth/bigquery}: short names stand for Google's own
	 * {@code https://www.googleapis.com/auth/NAME}; a full URL must be one of those too, so that a typo cannot ask
	 * Google for something other than an API scope.
	 */
	private static Set<String> parseScopes(String text) {
		Set<String> scopes = new LinkedHashSet<>();
		for (String raw : text.split(",")) {
			String given = raw.strip();
			if (given.isEmpty()) {
				continue;
			}
			String name = given.regionMatches(true, 0, GOOGLE_SCOPE_PREFIX, 0, GOOGLE_SCOPE_PREFIX.length())
					? given.substring(GOOGLE_SCOPE_PREFIX.length()) : given;
			if (!SCOPE_NAME.matcher(name).matches()) {
				throw AmkException.invalid("'" + given + "' is not a Google Cloud OAuth scope. Use names such as devstorage.read_only,"
						+ " bigquery.readonly or cloud-platform (each stands for " + GOOGLE_SCOPE_PREFIX + "NAME), separated by commas.");
			}
			scopes.add(GOOGLE_SCOPE_PREFIX + name);
		}
		if (scopes.isEmpty()) {
			throw AmkException.invalid("'scopes=' names no scope. Use names such as devstorage.read_only,bigquery.readonly, or the bare"
					+ " CONN for cloud-platform.");
		}
		return scopes;
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
		if (isGoogle()) {
			return "scopes=" + String.join(",", shortScopes());
		}
		return sessionPolicy != null ? "policy=(inline)" : "services=" + String.join(",", services.stream().sorted().toList());
	}

	String describe() {
		if (isGoogle()) {
			return "scopes " + String.join(", ", shortScopes());
		}
		return sessionPolicy != null ? "session policy" : "services " + String.join(", ", services.stream().sorted().toList());
	}

	/** The scopes by their short names, sorted. */
	private List<String> shortScopes() {
		return scopes.stream().map(s -> s.substring(GOOGLE_SCOPE_PREFIX.length())).sorted().toList();
	}

	static CloudLimits fromColumns(String sessionPolicy, String services) {
		if (sessionPolicy == null && services == null) {
			return null;
		}
		List<String> names = services == null || services.isEmpty() ? List.of() : Arrays.asList(services.split(","));
		// See the class comment: a stored scope is an https URL, an AWS service name never is.
		Set<String> scopes = names.stream().filter(n -> n.startsWith("https://")).collect(Collectors.toUnmodifiableSet());
		Set<String> aws = names.stream().filter(n -> !n.startsWith("https://")).collect(Collectors.toUnmodifiableSet());
		return new CloudLimits(sessionPolicy, aws, scopes);
	}

	String servicesColumn() {
		Set<String> names = isGoogle() ? scopes : services;
		return names.isEmpty() ? null : String.join(",", names.stream().sorted().toList());
	}

	/**
	 * Whether a grant with these limits reaches nothing one with {@code wider} does not (a run key's grant, {@code amk run}):
	 * the same session policy, services and scopes among {@code wider}'s, and no "everything" where {@code wider} has a list.
	 */
	boolean within(CloudLimits wider) {
		if (wider.sessionPolicy != null && !wider.sessionPolicy.equals(sessionPolicy)) {
			return false;
		}
		if (!wider.services.isEmpty() && (services.isEmpty() || !wider.services.containsAll(services))) {
			return false;
		}
		return wider.scopes.isEmpty() || (!scopes.isEmpty() && wider.scopes.containsAll(scopes));
	}
}
