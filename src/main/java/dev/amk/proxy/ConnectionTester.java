package dev.amk.proxy;

import dev.amk.cloud.CloudAccountCheck;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput;
import dev.amk.connections.BaseUrls;
import dev.amk.connections.Connection;
import dev.amk.connections.ConnectionService;
import dev.amk.connections.CredentialSource;
import dev.amk.providers.Injection;
import dev.amk.providers.Probe;
import dev.amk.providers.ProviderSpec;
import dev.amk.secrets.SecretStore;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Proves that a key works by making one cheap authenticated GET (the provider's {@link ProviderSpec#probe()}, or
 * the base URL itself where the provider knows no harmless path) with the real secret put in exactly as the proxy puts it. Works for
 * a saved connection (secret from the keychain) and for one still being typed in, so that a person can test
 * before saving.
 *
 * <p>Only the connection's own base URL host is contacted: the URL is that base plus fixed segments, and the
 * client is the proxy's, which never follows a redirect. Result messages are for a person and never contain
 * the secret. Calls block for up to the timeout (5 s by default): never call them on the FX thread.
 */
public final class ConnectionTester implements AutoCloseable {
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	public enum Outcome {
		/** The upstream accepted the request (2xx). */
		OK,
		/** 401 or 403: the key was refused. */
		REJECTED,
		/** No connection could be made (DNS, refused, TLS). */
		UNREACHABLE,
		/** No answer within the timeout. */
		TIMEOUT,
		/** An answer that proves neither (a redirect, 404, 429, 5xx…); see {@link Result#status()}. */
		UNEXPECTED_STATUS,
		/** A saved connection whose secret the keychain could not give. */
		SECRET_UNAVAILABLE
	}

	/**
	 * What the test found.
	 *
	 * @param status  the upstream's HTTP status, or 0 when none arrived
	 * @param message what happened and what to do next, for a person; never contains the secret
	 */
	public record Result(Outcome outcome, int status, String message) {
		public boolean ok() {
			return outcome == Outcome.OK;
		}
	}

	private final CredentialSource credentials;
	private final Duration timeout;
	private final OkHttpClient client;
	private final CloudAccountCheck cloud;

	public ConnectionTester(SecretStore secrets) {
		this(connection -> secrets.get(connection.secretRef()), DEFAULT_TIMEOUT);
	}

	public ConnectionTester(SecretStore secrets, Duration timeout) {
		this(connection -> secrets.get(connection.secretRef()), timeout);
	}

	/** Tests with exactly what the proxy would send: an OAuth connection's current access token, not its stored token set. */
	public ConnectionTester(CredentialSource credentials) {
		this(credentials, DEFAULT_TIMEOUT);
	}

	public ConnectionTester(CredentialSource credentials, Duration timeout) {
		this(credentials, ProxySettings.defaults(0), timeout, Clock.systemUTC());
	}

	/**
	 * A tester whose client is the proxy's with {@code settings}' upstream tuning, so that its calls reach what the proxy's
	 * reach; {@code clock} dates the signatures of cloud checks.
	 */
	public ConnectionTester(CredentialSource credentials, ProxySettings settings, Duration timeout, Clock clock) {
		this.credentials = credentials;
		this.timeout = timeout;
		// Derived from the proxy's own client so that what keeps a secret on its host there (no redirects, the
		// socket set-up) holds here too; only the deadline differs: a test must answer quickly or say it did not.
		this.client = UpstreamClient.create(settings.withTimeouts(timeout, timeout, timeout)).newBuilder()
				.callTimeout(timeout)
				.readTimeout(timeout)
				.writeTimeout(timeout)
				// Each test is a fresh look at the upstream; an idle connection kept from the last one would hide
				// a host that has since gone away.
				.connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
				.build();
		this.cloud = new CloudAccountCheck(client, clock);
	}

	/** Tests a saved connection with the secret the keychain holds for it. */
	public Result test(Connection connection) {
		String secret;
		try {
			secret = credentials.credentialFor(connection);
		} catch (AmkException e) {
			// A SecretStore's messages never contain a secret.
			String what = connection.isOAuth() ? "The sign-in of '" : "The key of '";
			return new Result(Outcome.SECRET_UNAVAILABLE, 0, what + connection.name() + "' could not be read: " + e.getMessage());
		}
		if (connection.provider().signsRequests()) {
			return cloud(connection.provider(), secret, connection::mapped);
		}
		return redacted(probe(connection.provider(), connection.mapped(connection.baseUrl()), connection.injection(), secret), secret);
	}

	/**
	 * Tests a connection before it is saved, with the key a person typed. Empty fields take the provider's
	 * defaults, as {@link ConnectionService#add} does.
	 *
	 * @throws InvalidInput when the draft cannot be tried (no base URL for a custom API,
	 *                      a malformed URL, a key that cannot go in a header); the message says what to fix
	 */
	public Result test(ConnectionService.NewConnection draft, String secret) {
		ProviderSpec provider = Objects.requireNonNull(draft.provider(), "provider");
		try {
			// The rules Save applies, so that a key that tests is a key that saves.
			ConnectionService.Upstream upstream = ConnectionService.upstreamOf(draft);
			ConnectionService.requireUsableSecret(secret, upstream.injection());
			if (provider.signsRequests()) {
				return cloud(provider, secret, url -> url);
			}
			return redacted(probe(provider, upstream.baseUrl(), upstream.injection(), secret), secret);
		} catch (InvalidInput e) {
			// BaseUrls quotes what was typed; if the key ended up in the wrong field, it must not come back out.
			throw e.edited(message -> redact(message, secret));
		} catch (AmkException e) {
			String message = redact(e.getMessage(), secret);
			throw message.equals(e.getMessage()) ? e : new AmkException(e.errorType(), message);
		}
	}

	private Result probe(ProviderSpec provider, HttpUrl base, Injection injection, String secret) {
		Probe spec = provider.probe();
		HttpUrl.Builder url = base.newBuilder();
		if (spec.path() != null) {
			for (String segment : spec.path().substring(1).split("/")) {
				url.addPathSegment(segment);
			}
		}
		SecretInjection.intoUrl(url, injection, secret);
		HttpUrl target = url.build();
		if (!SecretInjection.staysOn(target, base)) {
			// Unreachable by construction (fixed segments appended to the base); the last line of defence.
			throw new IllegalStateException("the test request would leave the connection's host");
		}
		Request.Builder request = new Request.Builder().url(target).get().header("Accept-Encoding", "identity");
		spec.headers().forEach(request::header);
		try {
			SecretInjection.intoHeaders(request, injection, secret);
		} catch (IllegalArgumentException e) {
			// OkHttp quotes the offending header value in its message, so the message is never passed on.
			throw AmkException.invalid("The key cannot be sent in the " + injection.describe()
					+ ": it would contain characters HTTP headers do not allow. Use plain ASCII, without line breaks.");
		}
		Outcomes outcomes = new Outcomes(provider.upstreamName(hostOf(base)), hostOf(base), spec.provesKey(), target.encodedPath());
		try (Response response = client.newCall(request.build()).execute()) {
			return outcomes.answered(response.code());
		} catch (IOException e) {
			return outcomes.failed(e, timeout);
		}
	}

	/**
	 * A cloud account is never probed by putting its secret in a request: it signs ({@link CloudAccountCheck}), and
	 * its answer is worded there. The messages never carry the keys; redacting them is the last line of defence.
	 */
	private Result cloud(ProviderSpec provider, String secret, java.util.function.UnaryOperator<HttpUrl> hostMap) {
		CloudAccountCheck.Answer answer;
		try {
			answer = cloud.check(provider, secret, hostMap);
		} catch (AmkException e) {
			Outcome outcome = e.is(ErrorType.UPSTREAM_TIMEOUT) ? Outcome.TIMEOUT : e.is(ErrorType.UPSTREAM_UNREACHABLE) ? Outcome.UNREACHABLE : null;
			if (outcome == null) {
				throw e;
			}
			return new Result(outcome, 0, e.getMessage());
		}
		Outcome outcome = answer.ok() ? Outcome.OK : answer.status() == 401 || answer.status() == 403 ? Outcome.REJECTED : Outcome.UNEXPECTED_STATUS;
		return new Result(outcome, answer.status(), redact(answer.message(), secret));
	}


	/** Replaces every occurrence of {@code secret} in {@code text} by '*', for messages built from what a person typed. */
	public static String redact(String text, String secret) {
		if (text == null || secret == null || secret.isEmpty() || !text.contains(secret)) {
			return text;
		}
		return text.replace(secret, "*".repeat(secret.length()));
	}

	private static Result redacted(Result result, String secret) {
		return new Result(result.outcome(), result.status(), redact(result.message(), secret));
	}

	private static String hostOf(HttpUrl url) {
		String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
		return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
	}

	/**
	 * The words for whatever came of one test request.
	 *
	 * @param who       "OpenAI (api.openai.com)", or just the host for a custom API
	 * @param provesKey false when a 2xx shows only that the address answers
	 */
	private record Outcomes(String who, String host, boolean provesKey, String path) {

		Result answered(int status) {
			String answer = who + " answered " + status + reason(status) + " to GET " + path;
			if (status >= 200 && status < 300) {
				if (!provesKey) {
					return new Result(Outcome.OK, status, answer + ". The address works; if that page does not check keys,"
							+ " make one real request through the broker to be sure of the key.");
				}
				return new Result(Outcome.OK, status, "The key works: " + answer + ".");
			}
			if (status == 401 || status == 403) {
				return new Result(Outcome.REJECTED, status, "The key was refused: " + answer + ". Check that you pasted the whole key"
						+ " and that it is still active" + (status == 403 ? " and allowed to read" : "") + ", then test again.");
			}
			String next;
			if (status >= 300 && status < 400) {
				next = "The broker never follows a redirect with your key. Check the base URL: the API may live at another address.";
			} else if ((status == 404 || status == 405) && !provesKey) {
				next = "The address works, but that page cannot tell whether the key is right;"
						+ " make one real request through the broker to be sure of the key.";
			} else if (status == 404 || status == 405) {
				next = "The base URL probably points at the wrong place. Check it, then test again.";
			} else if (status == 429) {
				next = "The key was probably accepted but is rate-limited or out of quota right now. Try again later.";
			} else if (status >= 500) {
				next = "The service has a problem right now. Try again in a few minutes.";
			} else {
				next = "That does not show whether the key works. Check the base URL and the key, then test again.";
			}
			return new Result(Outcome.UNEXPECTED_STATUS, status, answer + ". " + next);
		}

		Result failed(IOException e, Duration timeout) {
			// Only the exception's type is used: I/O messages may quote addresses or, for odd libraries, headers.
			if (e instanceof UnknownHostException) {
				return unreachable("the name " + host + " does not resolve. Check the base URL and your network");
			}
			if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
				return unreachable("nothing accepted the connection. Check the base URL and that the service is running");
			}
			if (e instanceof SSLException) {
				return unreachable("the secure (TLS) handshake failed. Check that the base URL uses https on the right port");
			}
			if (e instanceof InterruptedIOException) {
				return new Result(Outcome.TIMEOUT, 0, who + " did not answer within " + seconds(timeout)
						+ ". Check your network or the provider's status, then test again.");
			}
			return unreachable("the connection failed before an answer came. Check the base URL and your network");
		}

		private Result unreachable(String why) {
			return new Result(Outcome.UNREACHABLE, 0, "Could not reach " + who + ": " + why + ", then test again.");
		}

		private static String seconds(Duration d) {
			return d.toMillis() % 1000 == 0 ? d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds") : d.toMillis() + " ms";
		}

		private static String reason(int status) {
			return switch (status) {
				case 200 -> " OK";
				case 301 -> " Moved Permanently";
				case 302 -> " Found";
				case 307 -> " Temporary Redirect";
				case 308 -> " Permanent Redirect";
				case 400 -> " Bad Request";
				case 401 -> " Unauthorized";
				case 403 -> " Forbidden";
				case 404 -> " Not Found";
				case 405 -> " Method Not Allowed";
				case 429 -> " Too Many Requests";
				case 500 -> " Internal Server Error";
				case 502 -> " Bad Gateway";
				case 503 -> " Service Unavailable";
				case 504 -> " Gateway Timeout";
				default -> "";
			};
		}
	}

	/** Drops the test client's connections; the broker calls it when it stops. */
	@Override
	public void close() {
		client.connectionPool().evictAll();
	}
}
