package dev.amk.cloud;

import dev.amk.agents.GrantRule;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.connections.Connection;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;

import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Signs an intercepted AWS request again, for the agent that sent it: the tool's own signature, made with the
 * placeholder key {@code amk run} gave it, is dropped with its date and token; the broker signs with the agent's
 * session credentials ({@link AwsSessions}) for the region and service the tool meant ({@link AwsEndpoint}).
 *
 * <p>Payloads: a small body is hashed into the signature; a large or streamed S3 body is sent as
 * {@code UNSIGNED-PAYLOAD} (allowed over TLS); an {@code aws-chunked} upload is decoded on the fly
 * ({@link AwsChunkedDecoding}). Presigned URLs are refused: their signature is in the query, made with the
 * placeholder key, and a re-signed one would be a credential handed to whoever holds the URL. SigV4a requests (S3
 * Multi-Region Access Points) are refused with a message saying so: the SDK's SigV4 signer does not do them.
 */
public final class AwsRequestSigning {
	/** Bodies up to this size are read and hashed into the signature (non-S3 APIs need it; they are small forms and JSON). */
	static final int SIGNED_PAYLOAD_LIMIT = 1024 * 1024;
	private static final Set<String> DROPPED = Set.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
			"x-amz-decoded-content-length", "x-amz-trailer", "content-length", "transfer-encoding", "user-agent", "expect", "connection");

	private static final String SIGV4A = "AWS4-ECDSA-P256-SHA256";

	private final AwsSessions sessions;
	private final Clock clock;

	public AwsRequestSigning(AwsSessions sessions, Clock clock) {
		this.sessions = sessions;
		this.clock = clock;
	}

	/**
	 * The request as it goes to AWS.
	 *
	 * @param unsigned    the upstream request as the proxy built it (agent's headers minus credentials, no injection)
	 * @param agentHeader the agent's own headers, for what the proxy dropped (its Authorization names the scope)
	 * @param secret      the connection's keychain item ({@link AwsAccount})
	 * @throws AmkException {@code bad_request} for a presigned or malformed request, {@code scope_denied} for a service
	 *                      outside the grant, {@code connection_unavailable} when STS refuses
	 */
	public Request sign(Request unsigned, Function<String, String> agentHeader, Connection connection, long agentId, String agentName,
			GrantRule rule, String secret) {
		HttpUrl url = unsigned.url();
		for (String p : url.queryParameterNames()) {
			String lower = p.toLowerCase(Locale.ROOT);
			// SigV4 query signing, and the older SigV2 form (AWSAccessKeyId, Signature) that S3 presigned URLs may still use.
			if (lower.equals("x-amz-signature") || lower.equals("x-amz-credential") || lower.equals("x-amz-algorithm")
					|| lower.equals("awsaccesskeyid") || p.equals("Signature")) {
				throw new AmkException(ErrorType.BAD_REQUEST, "Presigned AWS URLs cannot go through the broker: the tool signed it with its"
						+ " placeholder key, and the broker signs only requests it sends itself. Make the call with the SDK or CLI instead of a"
						+ " presigned URL.");
			}
		}
		refuseSigV4a(agentHeader, url.host());
		AwsAccount account = AwsAccount.fromSecret(secret);
		AwsEndpoint endpoint = AwsEndpoint.of(agentHeader.apply("Authorization"), url.host(), account.region());
		CloudScope scope = CloudScope.of(rule);
		if (!scope.allowsService(endpoint.service())) {
			throw new AmkException(ErrorType.SCOPE_DENIED, "Agent '" + agentName + "' may reach only " + String.join(", ", scope.services().stream()
					.sorted().toList()) + " on '" + connection.name() + "', not " + endpoint.service() + ".");
		}
		AwsAccount.Credentials credentials = sessions.credentials(new AwsSessions.Key(agentId, connection.name(), connection.secretRef(), scope),
				agentName, account);

		String contentSha = agentHeader.apply("x-amz-content-sha256");
		RequestBody body = unsigned.body();
		boolean s3 = endpoint.service().equals("s3");
		long length = length(body);
		byte[] payload;
		if (contentSha != null && contentSha.startsWith("STREAMING-")) {
			body = decoded(body, agentHeader);
			payload = null;
		} else if (body == null) {
			payload = new byte[0];
		} else if (s3 && (SigV4.UNSIGNED_PAYLOAD.equals(contentSha) || length < 0 || length > SIGNED_PAYLOAD_LIMIT)) {
			payload = null; // streamed as it comes
		} else if (length < 0 || length > SIGNED_PAYLOAD_LIMIT) {
			throw new AmkException(ErrorType.BAD_REQUEST, "The broker signs " + endpoint.service() + " requests with their body hashed, which it does"
					+ " for bodies up to 1 MiB with a Content-Length; this one is larger or has none.");
		} else {
			payload = read(body);
			body = RequestBody.create(payload, null); // the Content-Type header goes as signed
		}
		Headers.Builder kept = new Headers.Builder();
		Headers headers = unsigned.headers();
		for (int i = 0; i < headers.size(); i++) {
			String name = headers.name(i).toLowerCase(Locale.ROOT);
			// A converted aws-chunked upload loses its trailing checksum, so it must not announce one either: S3 refuses an
			// x-amz-sdk-checksum-algorithm with neither an x-amz-checksum-* header nor a trailer (InvalidRequest).
			boolean streaming = contentSha != null && contentSha.startsWith("STREAMING-");
			if (DROPPED.contains(name) || name.equals("host") || (streaming && (name.equals("content-encoding") || name.equals("x-amz-sdk-checksum-algorithm")))) {
				continue;
			}
			kept.add(headers.name(i), headers.value(i));
		}
		if (contentSha != null && contentSha.startsWith("STREAMING-")) {
			String encoding = withoutAwsChunked(agentHeader.apply("Content-Encoding"));
			if (encoding != null) {
				kept.add("Content-Encoding", encoding);
			}
		}
		Headers toSign = kept.build();
		Headers signature = SigV4.sign(unsigned.method(), url, toSign, payload, credentials, endpoint.region(), endpoint.service(), clock);
		Request.Builder signed = unsigned.newBuilder().headers(toSign.newBuilder().addAll(signature).build()).method(unsigned.method(), body);
		String agentAgent = agentHeader.apply("User-Agent");
		if (agentAgent != null) {
			signed.header("User-Agent", agentAgent); // not signed (the SDK never signs it), but AWS logs it
		}
		return signed.build();
	}

	/**
	 * SigV4a ({@code AWS4-ECDSA-P256-SHA256}: S3 Multi-Region Access Points, which sign for a set of Regions) is not
	 * signed by the broker. Re-signing such a request with SigV4 would only earn AWS's SignatureDoesNotMatch, which
	 * tells the person nothing; this says what happened and what works instead, and sends nothing.
	 */
	private static void refuseSigV4a(Function<String, String> agentHeader, String host) {
		String authorization = agentHeader.apply("Authorization");
		boolean sigV4a = (authorization != null && authorization.strip().regionMatches(true, 0, SIGV4A, 0, SIGV4A.length()))
				|| agentHeader.apply("X-Amz-Region-Set") != null
				|| host.toLowerCase(Locale.ROOT).endsWith(".mrap.accesspoint.s3-global.amazonaws.com");
		if (sigV4a) {
			throw new AmkException(ErrorType.BAD_REQUEST, "This request is signed with SigV4a (" + SIGV4A + "), which S3 Multi-Region Access"
					+ " Points use; the broker signs AWS requests with SigV4 only, so it sent nothing. Address one of the access point's buckets"
					+ " in its own Region instead (its bucket name, with AWS_REGION set to that Region).");
		}
	}

	/** The session cache, which the proxy trims on every registry change ({@link AwsSessions#retain}). */
	public AwsSessions sessions() {
		return sessions;
	}

	private static RequestBody decoded(RequestBody body, Function<String, String> agentHeader) {
		String length = agentHeader.apply("x-amz-decoded-content-length");
		long decodedLength;
		try {
			decodedLength = Long.parseLong(length);
		} catch (NumberFormatException | NullPointerException e) {
			throw new AmkException(ErrorType.BAD_REQUEST, "An aws-chunked upload needs x-amz-decoded-content-length, the payload's size.");
		}
		if (body == null || decodedLength < 0) {
			throw new AmkException(ErrorType.BAD_REQUEST, "An aws-chunked upload needs a body and a non-negative x-amz-decoded-content-length.");
		}
		return new AwsChunkedDecoding(body, decodedLength);
	}

	private static String withoutAwsChunked(String encoding) {
		if (encoding == null) {
			return null;
		}
		String rest = String.join(",", java.util.Arrays.stream(encoding.split(",")).map(String::strip)
				.filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("aws-chunked")).toList());
		return rest.isEmpty() ? null : rest;
	}

	private static long length(RequestBody body) {
		try {
			return body == null ? 0 : body.contentLength();
		} catch (IOException e) {
			return -1;
		}
	}

	private static byte[] read(RequestBody body) {
		try (Buffer buffer = new Buffer()) {
			body.writeTo(buffer);
			return buffer.readByteArray();
		} catch (IOException e) {
			throw new AmkException(ErrorType.CLIENT_CLOSED, "The agent stopped sending its request body.");
		}
	}
}
