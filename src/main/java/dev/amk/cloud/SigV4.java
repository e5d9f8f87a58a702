package dev.amk.cloud;

import okhttp3.Headers;
import okhttp3.HttpUrl;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * SigV4 header signing by the AWS SDK for Java v2's own signer ({@code http-auth-aws}), not by hand: canonical
 * requests have many corner cases (double URL encoding except for S3, path normalisation, header folding) that the
 * SDK's signer is maintained against. This class only translates an OkHttp request head to the SDK's and back.
 */
final class SigV4 {
	static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
	private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

	private SigV4() {
	}

	/**
	 * The headers that sign a request: {@code Authorization}, {@code X-Amz-Date}, {@code x-amz-content-sha256} and, for
	 * session credentials, {@code X-Amz-Security-Token}.
	 *
	 * @param headers the headers to sign (Host is added from the URL)
	 * @param payload the body to hash into the signature; null: {@code UNSIGNED-PAYLOAD} (S3 over TLS)
	 */
	static Headers sign(String method, HttpUrl url, Headers headers, byte[] payload, AwsAccount.Credentials credentials, String region,
			String service, Clock clock) {
		SdkHttpRequest.Builder request = SdkHttpRequest.builder().protocol("https").host(url.host()).port(url.port())
				.encodedPath(url.encodedPath()).method(SdkHttpMethod.fromValue(method));
		for (int i = 0; i < url.querySize(); i++) {
			String value = url.queryParameterValue(i);
			request.appendRawQueryParameter(url.queryParameterName(i), value == null ? "" : value);
		}
		for (int i = 0; i < headers.size(); i++) {
			request.appendHeader(headers.name(i), headers.value(i));
		}
		if (service.equals("s3")) {
			// S3 requires the payload hash as a header too (the SDK's S3 client adds it; the bare signer leaves it to the caller).
			request.putHeader("x-amz-content-sha256", payload == null ? UNSIGNED_PAYLOAD : sha256Hex(payload));
		}
		AwsCredentialsIdentity identity = credentials.sessionToken() == null
				? AwsCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey())
				: AwsSessionCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
		boolean s3 = service.equals("s3");
		SignRequest.Builder<AwsCredentialsIdentity> sign = SignRequest.builder(identity).request(request.build())
				.putProperty(AwsV4HttpSigner.REGION_NAME, region)
				.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
				.putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, !s3)
				.putProperty(AwsV4HttpSigner.NORMALIZE_PATH, !s3)
				.putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock)
				.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payload != null);
		if (payload != null) {
			sign.payload(ContentStreamProvider.fromByteArrayUnsafe(payload));
		}
		SignedRequest signed = SIGNER.sign(sign.build());
		Headers.Builder out = new Headers.Builder();
		signed.request().firstMatchingHeader("x-amz-content-sha256").ifPresent(v -> out.add("x-amz-content-sha256", v));
		for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
			String name = h.getKey();
			if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("X-Amz-Date") || name.equalsIgnoreCase("X-Amz-Security-Token")
) {
				h.getValue().forEach(v -> out.add(name, v));
			}
		}
		return out.build();
	}

	private static String sha256Hex(byte[] payload) {
		try {
			return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
