package dev.amk.common;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** On the real file system, in a temporary folder. */
class AtomicFilesTest {
	@TempDir
	Path dir;

	@BeforeEach
	void posixOnly() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "permissions are POSIX ones");
	}

	private List<Path> folder() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.sorted().toList();
		}
	}

	@Test
	@DisplayName("replacing a file keeps its permissions, writes the whole content and leaves no temporary file")
	void replaceKeepsPermissions() throws IOException {
		Path file = dir.resolve("config.json");
		Files.writeString(file, "old");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
		byte[] content = "new content, longer than the old".getBytes(StandardCharsets.UTF_8);
		AtomicFiles.replace(file, content);
		assertArrayEquals(content, Files.readAllBytes(file));
		assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
		assertEquals(List.of(file), folder());
	}

	@Test
	@DisplayName("a file that did not exist is created readable by its owner only")
	void newFileIsTheOwnersOnly() throws IOException {
		Path file = dir.resolve("settings.properties");
		AtomicFiles.replace(file, "port=4777\n".getBytes(StandardCharsets.UTF_8));
		assertEquals("port=4777\n", Files.readString(file));
		assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
		assertEquals(List.of(file), folder());
	}

	@Test
	@DisplayName("permissions given explicitly win over the file's own (a CA certificate others must read)")
	void explicitPermissions() throws IOException {
		Path file = dir.resolve("ca.pem");
		Files.writeString(file, "old");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		AtomicFiles.replace(file, "pem".getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-r--r--"));
		assertEquals("pem", Files.readString(file));
		assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
	}

	@Test
	@DisplayName("backup() copies the bytes and permissions beside the file")
	void backup() throws IOException {
		Path file = dir.resolve("agent.env");
		Files.writeString(file, "OPENAI_API_KEY=sk-x");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		Path backup = AtomicFiles.backup(file, "20261204-120000");
		assertEquals(dir.resolve("agent.env.amk-backup-20261204-120000"), backup);
		assertEquals("OPENAI_API_KEY=sk-x", Files.readString(backup));
		assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
	}

	@Test
	@DisplayName("backup() never overwrites an earlier backup with the same stamp: the next is -2, then -3")
	void backupKeepsTheEarlierOne() throws IOException {
		Path file = dir.resolve("config.json");
		Files.writeString(file, "as the person left it");
		Path first = AtomicFiles.backup(file, "20261204-120000");
		Files.writeString(file, "changed once");
		Path second = AtomicFiles.backup(file, "20261204-120000");
		Files.writeString(file, "changed twice");
		Path third = AtomicFiles.backup(file, "20261204-120000");
		assertEquals(dir.resolve("config.json.amk-backup-20261204-120000-2"), second);
		assertEquals(dir.resolve("config.json.amk-backup-20261204-120000-3"), third);
		assertEquals("as the person left it", Files.readString(first));
		assertEquals("changed once", Files.readString(second));
		assertEquals("changed twice", Files.readString(third));
	}
}
