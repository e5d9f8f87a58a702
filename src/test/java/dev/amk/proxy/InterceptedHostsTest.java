package dev.amk.proxy;

import dev.amk.access.AccessSnapshot;
import dev.amk.access.SnapshotBuilder;
import dev.amk.common.ErrorType;
import dev.amk.providers.Injection;
import dev.amk.providers.Providers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterceptedHostsTest {
	private static final String KEY = dev.amk.agents.AgentKey.generate();

	private static AccessSnapshot.AgentEntry agent(AccessSnapshot snapshot) {
		return SnapshotBuilder.callerOf(snapshot, KEY).agent();
	}

	@Test
	@DisplayName("the base URL's host goes to the base URL, whose path the tool's full path repeats")
	void baseUrlHost() throws Refused {
		AccessSnapshot s = new SnapshotBuilder().connection("slack", Providers.SLACK, "https://slack.com/api").agent(1, "a", KEY, "slack").build();
		InterceptedHosts.Route route = InterceptedHosts.route(s, agent(s), "slack.com");
		assertEquals("slack", route.connection().name());
		assertEquals("https://slack.com/api", route.upstream().baseUrl().toString());
		assertEquals(List.of("api"), route.basePath());
	}

	@Test
	@DisplayName("github.com goes to github.com with Basic x-access-token; api.github.com to the connection's base URL")
	void githubHosts() throws Refused {
		AccessSnapshot s = new SnapshotBuilder().connection("gh", Providers.GITHUB, "https://api.github.com").agent(1, "a", KEY, "gh").build();
		InterceptedHosts.Route git = InterceptedHosts.route(s, agent(s), "github.com");
		assertEquals("https://github.com/", git.upstream().baseUrl().toString());
		assertEquals(new Injection.Basic("x-access-token"), git.upstream().injection());
		InterceptedHosts.Route api = InterceptedHosts.route(s, agent(s), "api.github.com");
		assertEquals(Providers.GITHUB.defaultInjection(), api.upstream().injection());
	}

	@Test
	@DisplayName("a host of a connection the agent has no grant for, or of no connection, is host_not_allowed")
	void notGranted() {
		AccessSnapshot s = new SnapshotBuilder().connection("openai", Providers.OPENAI, "https://api.openai.com")
				.connection("gh", Providers.GITHUB, "https://api.github.com").agent(1, "a", KEY, "gh").build();
		assertEquals(ErrorType.HOST_NOT_ALLOWED, assertThrows(Refused.class, () -> InterceptedHosts.route(s, agent(s), "api.openai.com")).refusal().type());
		assertEquals(ErrorType.HOST_NOT_ALLOWED, assertThrows(Refused.class, () -> InterceptedHosts.route(s, agent(s), "evil.example")).refusal().type());
		assertTrue(InterceptedHosts.ownedByAny(s, "api.openai.com"));
		assertFalse(InterceptedHosts.ownedByAny(s, "evil.example"));
	}

	@Test
	@DisplayName("two granted connections owning one host: refused rather than a guess at which credential")
	void ambiguous() {
		AccessSnapshot s = new SnapshotBuilder().connection("one", Providers.OPENAI, "https://api.openai.com")
				.connection("two", Providers.OPENAI, "https://api.openai.com").agent(1, "a", KEY, "one", "two").build();
		Refused refused = assertThrows(Refused.class, () -> InterceptedHosts.route(s, agent(s), "api.openai.com"));
		assertTrue(refused.refusal().message().contains("one, two"), refused.refusal().message());
	}

	@ParameterizedTest
	@ValueSource(strings = {"127.0.0.1", "169.254.169.254", "::1", "[::1]", "10.0.0.1", "0x7f.1", "localhost", "api.localhost", "a b", ""})
	@DisplayName("IP literals, loopback names and non-names are never interceptable")
	void refusedHosts(String host) {
		assertThrows(Refused.class, () -> InterceptedHosts.requireInterceptable(host));
	}

	@Test
	void namesAreLowerCased() throws Refused {
		assertEquals("api.openai.com", InterceptedHosts.requireInterceptable("API.OpenAI.com."));
	}
}
