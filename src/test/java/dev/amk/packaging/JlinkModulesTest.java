package dev.amk.packaging;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app runs on a trimmed runtime (packaging/jlink.cfg): a JDK module the code uses but the list leaves out
 * compiles and passes every other test, then fails only in the installed app (java.net.http once did, with a
 * NoClassDefFoundError as the app started). jdeps reads the compiled classes and says which modules they need.
 */
class JlinkModulesTest {
	@Test
	@DisplayName("every JDK module the app's classes use is in packaging/jlink.cfg")
	void theRuntimeHasEveryModuleTheCodeUses() throws IOException, InterruptedException {
		Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
		assertTrue(Files.isExecutable(jdeps), "a full JDK (with jdeps) runs the tests: " + jdeps);
		Process process = new ProcessBuilder(jdeps.toString(), "--ignore-missing-deps", "--print-module-deps", "--multi-release",
				String.valueOf(Runtime.version().feature()), "target/classes").redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jdeps finished");
		assertEquals(0, process.exitValue(), output);
		Set<String> used = Arrays.stream(output.lines().reduce((first, last) -> last).orElse("").split(","))
				.map(String::strip).filter(m -> !m.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
		assertTrue(used.contains("java.base"), "jdeps answered with modules: " + output);

		String modulesLine = Files.readAllLines(Path.of("packaging/jlink.cfg")).stream().filter(l -> l.startsWith("--add-modules "))
				.findFirst().orElseThrow();
		Set<String> packaged = Arrays.stream(modulesLine.substring("--add-modules ".length()).split(",")).map(String::strip)
				.collect(Collectors.toSet());
		Set<String> missing = new TreeSet<>(used);
		missing.removeAll(packaged);
		assertEquals(Set.of(), missing, "modules the code uses that packaging/jlink.cfg leaves out");
	}
}
