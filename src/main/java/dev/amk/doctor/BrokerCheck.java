package dev.amk.doctor;

import dev.amk.common.Json;
import dev.amk.providers.Probe;
import dev.amk.providers.ProviderSpec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * One test call through the running broker, as a rewritten consumer would make it: the agent's key on the
 * connection's probe path. Proves the connection, the agent's grant and the key itself before a file is written.
 */
public interface BrokerCheck {
	/** What the call showed; {@code ok} false means the file must not be written. */
	record Result(boolean ok, String detail) {
	}

	Result check(String connection, ProviderSpec provider, String agentKey);

	/** Calls the broker on 127.0.0.1:{@code port}. A new agent is known to the broker within 100 ms; this waits up to 3 s for it. */
	static BrokerCheck onPort(int port) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
		return (connection, provider, agentKey) -> {
			Probe probe = provider.probe(); // the connection test's request: its path and the headers the API insists on
			String path = probe.path() == null ? "/" : probe.path();
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + connection + path))
					.timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + agentKey).GET();
			probe.headers().forEach(request::header);
			long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			try {
				while (true) {
					HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
					String brokerError = brokerErrorType(r);
					if ("unknown_key".equals(brokerError) || "unknown_connection".equals(brokerError)) {
						if (System.nanoTime() < deadline) {
							Thread.sleep(50); // the broker has not read the registry change yet
							continue;
						}
					}
					if (r.statusCode() / 100 == 2) {
						return new Result(true, "checked: " + r.statusCode() + " from " + provider.displayName() + " through the broker");
					}
					return new Result(false, brokerError != null ? "the broker answered " + r.statusCode() + " " + brokerError
							: provider.displayName() + " answered " + r.statusCode() + " through the broker (is the key still valid?)");
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return new Result(false, "interrupted");
			} catch (Exception e) {
				return new Result(false, "the broker on port " + port + " could not be reached (" + e.getClass().getSimpleName() + ")");
			}
		};
	}

	@SuppressWarnings("unchecked")
	private static String brokerErrorType(HttpResponse<String> r) {
		if (r.statusCode() / 100 == 2 || r.headers().firstValue("content-type").filter(t -> t.contains("json")).isEmpty()) {
			return null;
		}
		try {
			Object error = Json.readObject(r.body()).get("error");
			return error instanceof Map<?, ?> m && m.get("type") instanceof String t ? t : null;
		} catch (RuntimeException e) {
			return null;
		}
	}
}
