package dev.amk.agents;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import dev.amk.common.HostPattern;
import dev.amk.common.InvalidInput;
import dev.amk.connections.ConnectionService;
import dev.amk.db.Database;
import dev.amk.providers.Providers;
import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The child keys of {@code amk run}: grants within the parent's, a lease that lapses unless renewed, gone with the parent. */
class ChildKeyTest {
	private static final Duration LEASE = Duration.ofSeconds(30);

	@TempDir
	Path dir;
	final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
	AgentService agents;
	ConnectionService connections;

	@BeforeEach
	void setUp() {
		Database db = Database.openRegistry(dir);
		connections = new ConnectionService(db, new InMemorySecretStore(), clock);
		connections.add(new ConnectionService.NewConnection("gh", Providers.byId("github"), null, null), "ghp_x");
		connections.add(new ConnectionService.NewConnection("oa", Providers.byId("openai"), null, null), "sk-x");
		agents = new AgentService(db, clock, UsageSource.NONE);
		agents.create("coder", List.of(Grant.parse("gh:read"), Grant.parse("oa")), List.of(HostPattern.parse(InvalidInput.Field.ALLOW_HOST,
				"*.npmjs.org")), null);
	}

	@Test
	@DisplayName("without --grant a run gets the parent's grants and allowed hosts, under a name that says whose run it is")
	void inheritsParent() {
		AgentService.Issued child = agents.createChild("coder", null, LEASE, null);
		assertTrue(child.agent().name().matches("coder\\.run-[0-9a-f]{6}"), child.agent().name());
		assertEquals(agents.get("coder").grants(), child.agent().grants());
		assertEquals(List.of(new HostPattern("*.npmjs.org")), child.agent().allowedHosts());
		assertEquals(clock.instant().plus(LEASE), child.agent().expiresAt());
		assertNotNull(child.agent().parentId());
	}

	@ParameterizedTest
	@CsvSource({"gh:read,true", "gh:GET:/repos/**,true", "gh,false", "gh:POST,false", "oa,true", "oa:read,true", "other,false"})
	@DisplayName("a run's grant must be within the parent's grant on the same connection")
	void narrowerOnly(String grant, boolean allowed) {
		if (allowed) {
			assertEquals(1, agents.createChild("coder", List.of(Grant.parse(grant)), LEASE, null).agent().grants().size());
		} else {
			AmkException e = assertThrows(AmkException.class, () -> agents.createChild("coder", List.of(Grant.parse(grant)), LEASE, null));
			assertEquals(ErrorType.GRANT_TOO_WIDE, e.errorType());
		}
	}

	@Test
	@DisplayName("a run's cloud grant stays within its agent's services or scopes, and fits its connection's provider")
	void cloudGrantsNarrowOnly() {
		connections.add(new ConnectionService.NewConnection("am", Providers.byId("aws"), null, null), "{}");
		connections.add(new ConnectionService.NewConnection("cl", Providers.byId("gcp"), null, null), "{}");
		agents.create("s3er", List.of(Grant.parse("am:services=s3"), Grant.parse("cl:scopes=devstorage.read_only")), List.of(), null);
		agents.create("owner", List.of(Grant.parse("am"), Grant.parse("cl")), List.of(), null);

		for (String wider : List.of("am", "am:read", "am:services=s3,iam", "cl", "cl:read", "cl:scopes=devstorage.read_only,bigquery")) {
			AmkException e = assertThrows(AmkException.class, () -> agents.createChild("s3er", List.of(Grant.parse(wider)), LEASE, null), wider);
			assertEquals(ErrorType.GRANT_TOO_WIDE, e.errorType(), wider);
		}
		assertEquals(2, agents.createChild("s3er", List.of(Grant.parse("am:services=s3"), Grant.parse("cl:scopes=devstorage.read_only")), LEASE,
				null).agent().grants().size());
		for (String misplaced : List.of("am:scopes=devstorage.read_only", "cl:services=storage")) {
			AmkException e = assertThrows(AmkException.class, () -> agents.createChild("owner", List.of(Grant.parse(misplaced)), LEASE, null));
			assertEquals(ErrorType.INVALID_ARGUMENT, e.errorType(), misplaced);
		}
	}

	@Test
	@DisplayName("the lease lapses unless renewed, never beyond --ttl; a lapsed child is deleted by the next run")
	void lease() {
		String name = agents.createChild("coder", null, LEASE, clock.instant().plusSeconds(50)).agent().name();
		clock.advance(Duration.ofSeconds(10));
		assertEquals(clock.instant().plus(LEASE), agents.renewLease(name, LEASE, clock.instant().minusSeconds(10).plusSeconds(50)));
		clock.advance(Duration.ofSeconds(20));
		Instant capped = agents.renewLease(name, LEASE, Instant.parse("2026-06-01T00:00:50Z"));
		assertEquals(Instant.parse("2026-06-01T00:00:50Z"), capped, "the ttl caps the lease");
		clock.advance(Duration.ofSeconds(21));
		assertEquals(Agent.Status.EXPIRED, agents.get(name).status(clock.instant()));
		assertNull(agents.renewLease(name, LEASE, null), "a lapsed key is not brought back");
		agents.createChild("coder", null, LEASE, null);
		assertTrue(agents.list().stream().noneMatch(a -> a.name().equals(name)), "the next run cleaned it up");
	}

	@Test
	@DisplayName("revoking the parent revokes its runs; a revoked parent starts none; deleting it deletes them")
	void withParent() {
		String name = agents.createChild("coder", null, LEASE, null).agent().name();
		agents.revoke("coder");
		assertEquals(Agent.Status.REVOKED, agents.get(name).status(clock.instant()));
		assertNull(agents.renewLease(name, LEASE, null));
		assertEquals(ErrorType.AGENT_INACTIVE, assertThrows(AmkException.class, () -> agents.createChild("coder", null, LEASE, null)).errorType());
		agents.enable("coder");
		String second = agents.createChild("coder", null, LEASE, null).agent().name();
		agents.delete("coder");
		assertTrue(agents.list().stream().noneMatch(a -> a.name().equals(second)));
	}

	@Test
	@DisplayName("narrowing the agent's grants narrows its running runs too")
	void narrowedWithParent() {
		String name = agents.createChild("coder", null, LEASE, null).agent().name();
		agents.setGrants("coder", List.of(Grant.parse("oa:read")));
		assertEquals(List.of(), agents.get(name).grants(), "oa (full) is wider than oa:read, gh is gone");
	}

	@Test
	@DisplayName("deleteChild deletes only run keys")
	void deleteChildOnly() {
		String name = agents.createChild("coder", null, LEASE, null).agent().name();
		agents.deleteChild("coder");
		assertEquals("coder", agents.get("coder").name());
		agents.deleteChild(name);
		assertTrue(agents.list().stream().noneMatch(a -> a.name().equals(name)));
	}
}
