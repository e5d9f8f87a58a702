package dev.amk.broker;

import dev.amk.access.AccessSnapshot;
import dev.amk.connections.ConnectionService;
import dev.amk.providers.Providers;
import dev.amk.testing.BrokerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServicesTest {
	@TempDir
	Path home;

	/**
	 * Committed means the proxy sees it. The registry also notices commits by itself (on access, and by its
	 * watcher); what only the after-commit link does is publish the new snapshot on the committing thread, before
	 * the service call returns. So these tests record where the snapshot showing the change was published.
	 */
	@Nested
	class InTheBroker {
		BrokerFixture broker;

		@AfterEach
		void stop() {
			if (broker != null) {
				broker.close();
			}
		}

		/** The threads on which the registry published a snapshot satisfying {@code condition}. */
		List<Thread> publishers(Predicate<AccessSnapshot> condition) {
			List<Thread> threads = new CopyOnWriteArrayList<>();
			broker.broker.registry().addListener(s -> {
				if (condition.test(s)) {
					threads.add(Thread.currentThread());
				}
			});
			return threads;
		}

		@Test
		@DisplayName("an agent change reaches the proxy's registry before the service call returns")
		void agentChange() {
			broker = BrokerFixture.start(home);
			List<Thread> created = publishers(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("bot")));

			broker.broker.agents().create("bot", List.of(), null);

			assertTrue(created.contains(Thread.currentThread()), "published on the committing thread, not later by the watcher");
		}

		@Test
		@DisplayName("a connection change reaches the proxy's registry before the service call returns")
		void connectionChange() {
			broker = BrokerFixture.start(home);
			List<Thread> added = publishers(s -> s.connection("api") != null);
			broker.broker.connections().add(new ConnectionService.NewConnection("api", Providers.OPENAI, "http://127.0.0.1:9/v1", null), "sk-test");
			assertTrue(added.contains(Thread.currentThread()), "added: published on the committing thread");

			List<Thread> removed = publishers(s -> s.connection("api") == null);
			broker.broker.connections().remove("api");
			assertTrue(removed.contains(Thread.currentThread()), "removed: published on the committing thread");
		}
	}

	@Nested
	class ForACommand {
		@Test
		@DisplayName("builds only what the command uses: agent changes commit without opening the keychain")
		void lazy() {
			List<String> opened = new CopyOnWriteArrayList<>();
			try (Services services = Services.forCommand(home, Clock.systemUTC(), () -> {
				opened.add("keychain");
				throw new AssertionError("the keychain was opened");
			})) {
				services.agents().create("bot", List.of(), null);
				assertEquals("bot", services.agents().get("bot").name());
			}
			assertEquals(List.of(), opened);
		}
	}
}
