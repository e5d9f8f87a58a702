package dev.amk.limits;

import dev.amk.agents.AgentLimits;
import dev.amk.testing.BrokerFixture;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Small steps the controls' end-to-end tests share: limits through the real CLI, requests through the real proxy. */
final class ControlsFixture {
	private ControlsFixture() {
	}

	/** Runs {@code amk agent limit NAME ARGS…} and waits until the running broker holds limits satisfying {@code seen}. */
	static void limit(BrokerFixture broker, String agent, Predicate<AgentLimits> seen, String... args) {
		List<String> all = new ArrayList<>(List.of("agent", "limit", agent));
		all.addAll(List.of(args));
		BrokerFixture.CliResult r = broker.cli(all.toArray(String[]::new));
		if (r.exit() != 0) {
			throw new AssertionError("agent limit failed: " + r.err());
		}
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals(agent) && seen.test(s.limits(a.agent().id()))));
	}

	static HttpResponse<String> post(BrokerFixture broker, String path, String key, String body) {
		return broker.send(HttpRequest.newBuilder(broker.url(path)).header("Authorization", "Bearer " + key)
				.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
	}
}
