package dev.amk.packaging;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the macOS build (packaging/lib.sh, packaging/macos/) that can run on Linux: the version rule jpackage
 * applies on a Mac, and the choice and re-signing of the native libraries inside the jars, with a stand-in codesign.
 */
class MacPackagingScriptsTest {
	private static final Path REPO = Path.of("").toAbsolutePath();

	@TempDir
	Path dir;

	@Test
	@DisplayName("jpackage.cfg's version is one macOS accepts as CFBundleVersion, and pom.xml carries the same number")
	void productVersion() throws Exception {
		Result r = bash(REPO, "amk_pkg_version jpackage.cfg");
		assertEquals(0, r.exit, r.err);
		String version = r.out.strip();
		assertEquals("1.0.0", version);
		Matcher pom = Pattern.compile("<artifactId>agent-master-key</artifactId>\\s*<version>([^<]+)</version>")
				.matcher(Files.readString(REPO.resolve("pom.xml")));
		assertTrue(pom.find());
		assertTrue(pom.group(1).equals(version) || pom.group(1).equals(version + "-SNAPSHOT"), pom.group(1));
	}

	@ParameterizedTest
	@ValueSource(strings = {"0.1.0", "0.2", "00.1", "1.2.3.4", "1.0.0-beta", "v1.0", ""})
	@DisplayName("a version jpackage would refuse on a Mac stops the build on any platform, saying why")
	void refusedVersions(String version) throws Exception {
		Path cfg = Files.writeString(dir.resolve("jpackage.cfg"), "--name \"X\"\n--app-version " + version + "\n");
		Result r = bash(REPO, "amk_pkg_version '" + cfg + "'");
		assertNotEquals(0, r.exit, r.out);
		assertTrue(r.err.contains("--app-version") || r.err.contains("no --app-version"), r.err);
	}

	@ParameterizedTest
	@ValueSource(strings = {"1", "1.0", "1.0.0", "10.20.30", "2.0.01"})
	@DisplayName("versions of one to three numbers with a first number above zero pass")
	void acceptedVersions(String version) throws Exception {
		Path cfg = Files.writeString(dir.resolve("jpackage.cfg"), "--app-version " + version + "\n");
		Result r = bash(REPO, "amk_pkg_version '" + cfg + "'");
		assertEquals(0, r.exit, r.err);
		assertEquals(version, r.out.strip());
	}

	@Test
	@DisplayName("native libraries inside jars are found by content: jkeychain's osxkeychain.so too; class files and look-alike names are not")
	void machOByContent() throws Exception {
		Path jar = sampleJar(dir.resolve("sample.jar"));
		Result r = bash(REPO, "amk_pkg_macho_entries '" + jar + "'");
		assertEquals(0, r.exit, r.err);
		assertEquals(List.of(jar + "\tosxkeychain.so", jar + "\tnative/renamed.bin"), r.out.lines().toList());
	}

	@Test
	@DisplayName("signing replaces exactly the Mach-O entries of each input jar with their signed versions")
	void signsNativesInJars() throws Exception {
		Path input = Files.createDirectories(dir.resolve("target/package/input/lib"));
		Path jar = sampleJar(input.resolve("jkeychain-1.1.0.jar"));
		Path plain = Files.createDirectories(dir.resolve("target/package/input")).resolve("amk.jar");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(plain))) {
			zip.putNextEntry(new ZipEntry("a.txt"));
			zip.write("text".getBytes(StandardCharsets.UTF_8));
		}
		byte[] classBefore = entry(jar, "dev/amk/Sample.class");
		// A stand-in codesign: records its arguments and marks the file, as a signature would change it.
		Path bin = Files.createDirectories(dir.resolve("bin"));
		Path log = dir.resolve("codesign.log");
		Files.writeString(bin.resolve("codesign"), "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + log + "'\n"
				+ "for f; do last=\"$f\"; done\nprintf 'SIGNED' >> \"$last\"\n");
		bin.resolve("codesign").toFile().setExecutable(true);

		Result r = bash(dir, "PATH='" + bin + "':\"$PATH\"; amk_pkg_sign_jar_natives --force -s 'Developer ID Application: X (T)' -o runtime");
		assertEquals(0, r.exit, r.err);

		List<String> calls = Files.readAllLines(log);
		assertEquals(2, calls.size(), calls.toString());
		assertTrue(calls.stream().allMatch(c -> c.startsWith("--force -s Developer ID Application: X (T) -o runtime ")), calls.toString());
		assertTrue(new String(entry(jar, "osxkeychain.so"), StandardCharsets.ISO_8859_1).endsWith("SIGNED"));
		assertTrue(new String(entry(jar, "native/renamed.bin"), StandardCharsets.ISO_8859_1).endsWith("SIGNED"));
		assertArrayEquals(classBefore, entry(jar, "dev/amk/Sample.class"));
		assertEquals("not a library", new String(entry(jar, "fake.dylib"), StandardCharsets.UTF_8));
		assertEquals("text", new String(entry(plain, "a.txt"), StandardCharsets.UTF_8));
	}

	/** A jar with jkeychain's real osxkeychain.so, the same bytes under another name, a class file and a text file named .dylib. */
	private static Path sampleJar(Path jar) throws IOException {
		byte[] osxkeychain;
		try (InputStream in = pt.davidafsilva.apple.OSXKeychain.class.getResourceAsStream("/osxkeychain.so")) {
			osxkeychain = in.readAllBytes();
		}
		byte[] classFile;
		try (InputStream in = MacPackagingScriptsTest.class.getResourceAsStream("MacPackagingScriptsTest.class")) {
			classFile = in.readAllBytes(); // 0xCAFEBABE, like a universal binary
		}
		try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
			put(zip, "osxkeychain.so", osxkeychain);
			put(zip, "native/renamed.bin", osxkeychain);
			put(zip, "dev/amk/Sample.class", classFile);
			put(zip, "fake.dylib", "not a library".getBytes(StandardCharsets.UTF_8));
		}
		return jar;
	}

	private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(content);
		zip.closeEntry();
	}

	private static byte[] entry(Path jar, String name) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry(name))) {
			return in.readAllBytes();
		}
	}

	private record Result(int exit, String out, String err) {
	}

	/** Runs {@code script} in bash in {@code cwd} with scripts/lib.sh and packaging/lib.sh sourced and this JDK's java on the PATH. */
	private static Result bash(Path cwd, String script) throws Exception {
		List<String> command = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; . '" + REPO.resolve("scripts/lib.sh") + "'; . '"
				+ REPO.resolve("packaging/lib.sh") + "'; " + script));
		ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
		Map<String, String> env = pb.environment();
		env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
		Path out = Files.createTempFile("amk-bash", ".out");
		Path err = Files.createTempFile("amk-bash", ".err");
		Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bash did not finish: " + script);
		Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
		Files.delete(out);
		Files.delete(err);
		return r;
	}
}
