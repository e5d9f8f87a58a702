package dev.amk.cloud;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The region and service a request is signed for. The tool's own signature names them in its credential scope
 * ({@code Credential=AKID/DATE/REGION/SERVICE/aws4_request}), which is what it meant; without one, the host says it.
 */
record AwsEndpoint(String region, String service) {
	private static final Pattern SCOPE = Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request");
	private static final Pattern REGIONAL = Pattern.compile("(?:.+\\.)?([a-z0-9-]+)\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.amazonaws\\.com");
	private static final Pattern GLOBAL = Pattern.compile("(?:.+\\.)?([a-z0-9-]+)\\.amazonaws\\.com");

	static AwsEndpoint of(String authorization, String host, String defaultRegion) {
		if (authorization != null) {
			Matcher m = SCOPE.matcher(authorization);
			if (m.find()) {
				return new AwsEndpoint(m.group(1), m.group(2));
			}
		}
		return fromHost(host, defaultRegion);
	}

	static AwsEndpoint fromHost(String host, String defaultRegion) {
		String h = host.toLowerCase(Locale.ROOT);
		Matcher regional = REGIONAL.matcher(h);
		if (regional.matches()) {
			return new AwsEndpoint(regional.group(2), service(regional.group(1)));
		}
		Matcher global = GLOBAL.matcher(h);
		if (global.matches()) {
			String service = service(global.group(1));
			// The global endpoints (iam, sts, s3 without a region, cloudfront) sign in us-east-1.
			return new AwsEndpoint(service.equals("s3") ? defaultRegion : "us-east-1", service);
		}
		return new AwsEndpoint(defaultRegion, h.substring(0, Math.max(0, h.indexOf('.'))));
	}

	/** {@code s3-accelerate}, {@code s3-fips}, {@code s3-external-1}: all S3. */
	private static String service(String label) {
		return label.startsWith("s3-") || label.equals("s3") ? "s3" : label;
	}
}
