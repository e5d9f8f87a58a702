package dev.amk.mcp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ClientSetup}'s backups when it runs more than once within a second (a script setting up several agents). */
class ClientSetupTest {
	@TempDir
	Path dir;

	@Test
	@DisplayName("two changes within one second: two backups, and the first still holds the file as the person left it")
	void twoChangesInOneSecond() throws Exception {
		Path file = dir.resolve(".claude.json");
		String original = "{\"numStartups\": 7}\n";
		Files.writeString(file, original);
		ClientSetup setup = new ClientSetup(Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC));
		List<ClientSetup.Server> servers = List.of(new ClientSetup.Server("docs", "http://127.0.0.1:8765/docs"));

		ClientSetup.Result first = setup.apply(ClientSetup.Client.CLAUDE_CODE, file, servers, "amk_first", false);
		String afterFirst = Files.readString(file);
		ClientSetup.Result second = setup.apply(ClientSetup.Client.CLAUDE_CODE, file, servers, "amk_second", false);

		assertTrue(first.changed() && second.changed());
		assertNotEquals(first.backup(), second.backup());
		assertEquals(original, Files.readString(first.backup()), "the first backup is the person's own file");
		assertEquals(afterFirst, Files.readString(second.backup()));
		assertTrue(Files.readString(file).contains("amk_second"));
	}
}
